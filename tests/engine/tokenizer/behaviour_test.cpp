// Tokenizer behaviour beyond the vectors: SPM merging and byte fallback on a vocab built in
// code, special-token parsing, end-of-generation detection, detokenize rules, Unicode tables.
#include <gtest/gtest.h>

#include "engine/tokenizer/pretokenize.hpp"
#include "engine/tokenizer/unicode.hpp"
#include "tokenizer_test_util.hpp"

namespace llmhost::tok {
namespace {

// <unk> <s> </s>, 256 byte tokens, then a few pieces with scores.
Vocab tiny_spm() {
  Vocab v;
  v.model = "llama";
  EXPECT_TRUE(apply_model_defaults(v).ok());
  v.tokens = {"<unk>", "<s>", "</s>"};
  v.token_types = {2, 3, 3};
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    v.tokens.push_back(buf);
    v.token_types.push_back(6);
  }
  for (const char* piece : {"\xE2\x96\x81", "a", "b", "\xE2\x96\x81" "a", "ab", "\xE2\x96\x81" "ab", "c"}) {
    v.tokens.push_back(piece);
    v.token_types.push_back(1);
  }
  v.scores.assign(v.tokens.size(), 0.0f);
  v.scores[259 + 3] = -1.0f; // ▁a
  v.scores[259 + 4] = -0.5f; // ab (preferred over ▁a)
  v.scores[259 + 5] = -2.0f; // ▁ab
  return v;
}

TEST(SpmTokenizer, MergesByScoreAndFallsBackToBytes) {
  auto tok = Tokenizer::create(tiny_spm());
  ASSERT_TRUE(tok.ok()) << tok.status().message;
  const int32_t space = 259, a = 260, b = 261, ab = 263, space_ab = 264;
  (void)a;
  (void)b;
  // "▁ab": "ab" (-0.5) merges before "▁a" (-1.0), then "▁"+"ab" -> "▁ab".
  EXPECT_EQ((*tok)->tokenize("ab", false, false), (std::vector<int32_t>{space_ab}));
  EXPECT_EQ((*tok)->tokenize("ab", true, false), (std::vector<int32_t>{1, space_ab}));
  // "é" is not in the vocab: its two UTF-8 bytes become byte tokens.
  EXPECT_EQ((*tok)->tokenize("\xC3\xA9", false, false), (std::vector<int32_t>{space, 3 + 0xC3, 3 + 0xA9}));
  EXPECT_EQ((*tok)->token_to_piece(3 + 0xC3, false), "\xC3");
  EXPECT_EQ((*tok)->token_to_piece(space_ab, false), " ab");
  EXPECT_EQ((*tok)->token_to_piece(1, false), "");
  EXPECT_EQ((*tok)->token_to_piece(1, true), "<s>");
  EXPECT_EQ((*tok)->token_to_piece(99999, true), "");
  EXPECT_EQ((*tok)->detokenize(std::vector<int32_t>{1, space_ab, ab}, true, false), " abab");
  EXPECT_EQ((*tok)->detokenize(std::vector<int32_t>{space_ab, ab}, false, false), "abab");
  EXPECT_TRUE((*tok)->is_eog(2));
  EXPECT_FALSE((*tok)->is_eog(1));
}

TEST(Vocab, RejectsInconsistentInput) {
  Vocab v = tiny_spm();
  v.scores.pop_back();
  EXPECT_FALSE(Tokenizer::create(v).ok());
  Vocab empty;
  EXPECT_FALSE(Tokenizer::create(empty).ok());
  Vocab bpe;
  bpe.model = "gpt2";
  bpe.pre = "no-such-pre";
  EXPECT_FALSE(apply_model_defaults(bpe).ok());
  Vocab unknown;
  unknown.model = "rwkv";
  unknown.tokens = {"a"};
  EXPECT_FALSE(Tokenizer::create(unknown).ok());
}

TEST(SpecialTokens, Llama3ParsesControlTokensOnlyWhenAsked) {
  LLMHOST_REQUIRE_TESTDATA();
  std::string why;
  auto tok = testing::load_named("llama-bpe", why);
  ASSERT_NE(tok, nullptr) << why;
  const int32_t begin = tok->find_token("<|begin_of_text|>");
  const int32_t eot = tok->find_token("<|eot_id|>");
  ASSERT_EQ(begin, 128000);
  ASSERT_EQ(eot, 128009);
  EXPECT_EQ(tok->bos(), begin);
  EXPECT_TRUE(tok->add_bos());
  const auto parsed = tok->tokenize("Hello<|eot_id|>", true, true);
  const auto hello = tok->tokenize("Hello", false, false);
  ASSERT_EQ(parsed.size(), hello.size() + 2);
  EXPECT_EQ(parsed.front(), begin);
  EXPECT_EQ(parsed.back(), eot);
  const auto literal = tok->tokenize("Hello<|eot_id|>", false, false);
  EXPECT_EQ(std::count(literal.begin(), literal.end(), eot), 0);
  EXPECT_EQ(tok->detokenize(literal, false, false), "Hello<|eot_id|>");
  EXPECT_TRUE(tok->is_eog(eot));
  EXPECT_TRUE(tok->is_eog(tok->find_token("<|end_of_text|>")));
  EXPECT_FALSE(tok->is_eog(begin));
  EXPECT_EQ(tok->detokenize(parsed, false, true), "<|begin_of_text|>Hello<|eot_id|>");
  EXPECT_EQ(tok->detokenize(parsed, true, false), "Hello");
}

TEST(SpecialTokens, Qwen3ImEndIsEndOfGenerationAndUserTokensAlwaysMatch) {
  LLMHOST_REQUIRE_TESTDATA();
  std::string why;
  auto tok = testing::load_named("qwen2", why);
  ASSERT_NE(tok, nullptr) << why;
  const int32_t im_start = tok->find_token("<|im_start|>");
  const int32_t im_end = tok->find_token("<|im_end|>");
  const int32_t think = tok->find_token("<think>");
  ASSERT_GE(think, 0);
  EXPECT_EQ(tok->eos(), im_end);
  EXPECT_FALSE(tok->add_bos());
  EXPECT_TRUE(tok->is_eog(im_end));
  EXPECT_TRUE(tok->is_eog(tok->find_token("<|endoftext|>")));
  const auto ids = tok->tokenize("<|im_start|>user\nhi<|im_end|>", true, true);
  ASSERT_GE(ids.size(), 3u);
  EXPECT_EQ(ids.front(), im_start);
  EXPECT_EQ(ids.back(), im_end);
  // <think> is a user-defined (non-special) added token: matched even without parse_special.
  const auto t = tok->tokenize("a<think>b", false, false);
  EXPECT_NE(std::find(t.begin(), t.end(), think), t.end());
  EXPECT_EQ(tok->detokenize(t, false, false), "a<think>b");
}

TEST(SpecialTokens, Phi3StripsWhitespaceAfterSpecialTokens) {
  LLMHOST_REQUIRE_TESTDATA();
  std::string why;
  auto tok = testing::load_named("phi-3", why);
  ASSERT_NE(tok, nullptr) << why;
  const int32_t end = tok->find_token("<|end|>");
  ASSERT_GE(end, 0);
  auto expected = std::vector<int32_t>{end};
  const auto hi = tok->tokenize("Hi", false, false);
  expected.insert(expected.end(), hi.begin(), hi.end());
  EXPECT_EQ(tok->tokenize("<|end|> \n\tHi", false, true), expected);
  EXPECT_TRUE(tok->is_eog(end));
}

TEST(WordPiece, AddsClsAndSepAndLowercases) {
  LLMHOST_REQUIRE_TESTDATA();
  std::string why;
  auto tok = testing::load_named("bert-bge", why);
  ASSERT_NE(tok, nullptr) << why;
  const auto ids = tok->tokenize("Hello World", true, false);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids.front(), 101);
  EXPECT_EQ(ids.back(), 102);
  EXPECT_EQ(tok->tokenize("hello world", false, false), std::vector<int32_t>(ids.begin() + 1, ids.end() - 1));
  // Accents are stripped as llama.cpp does.
  EXPECT_EQ(tok->tokenize("h\xC3\xA9llo", false, false), tok->tokenize("hello", false, false));
  // As llama.cpp: word-start pieces keep their space, control tokens render as written.
  EXPECT_EQ(tok->detokenize(ids, true, false), " hello world");
  EXPECT_EQ(tok->detokenize(ids, false, true), "[CLS] hello world[SEP]");
}

TEST(Detokenize, CleanSpacesForGpt2) {
  LLMHOST_REQUIRE_TESTDATA();
  std::string why;
  auto tok = testing::load_named("gpt-2", why);
  ASSERT_NE(tok, nullptr) << why;
  // Tokens " ?" are joined as "Hi?" by clean_up_tokenization_spaces.
  std::vector<int32_t> ids = tok->tokenize("Hi", false, false);
  const auto q = tok->tokenize(" ?", false, false);
  ids.insert(ids.end(), q.begin(), q.end());
  EXPECT_EQ(tok->detokenize(ids, false, false), "Hi?");
}

TEST(Unicode, TablesFromUnicodedata) {
  using namespace unicode;
  EXPECT_EQ(category('A'), Category::letter);
  EXPECT_EQ(category('7'), Category::number);
  EXPECT_EQ(category(','), Category::punctuation);
  EXPECT_EQ(category('$'), Category::symbol);
  EXPECT_EQ(category(0x0301), Category::mark);
  EXPECT_EQ(category(0x4E2D), Category::letter);
  EXPECT_EQ(category(0x1F600), Category::symbol);
  EXPECT_EQ(category(0x10FFFF), Category::undefined);
  EXPECT_TRUE(is_whitespace(0x3000));
  EXPECT_FALSE(is_whitespace(0x200B));
  EXPECT_EQ(to_lower(0xC4), 0xE4u);
  EXPECT_EQ(to_lower(0x130), uint32_t('i'));
  EXPECT_EQ(nfd_first(0xE9), uint32_t('e'));
  EXPECT_EQ(nfd_first(0xD55C), 0x1112u); // Hangul syllable -> leading jamo
  EXPECT_EQ(decode_utf8("a\xFF\xE2\x82"), (std::vector<uint32_t>{'a', 0xFFFD, 0xFFFD, 0xFFFD}));
  for (int b = 0; b < 256; ++b) EXPECT_EQ(codepoint_to_byte(byte_to_codepoint(uint8_t(b))), b);
  EXPECT_EQ(byte_to_codepoint(' '), 0x120u);
}

TEST(PreTokenize, Llama3SplitsAsTheRegex) {
  EXPECT_EQ(pre_tokenize("Hello world's 12345  \n\n x", PreKind::llama3),
            (std::vector<std::string>{"Hello", " world", "'s", " ", "123", "45", "  \n\n", " x"}));
  EXPECT_EQ(pre_tokenize("a  b", PreKind::gpt2), (std::vector<std::string>{"a", " ", " b"}));
  EXPECT_EQ(pre_tokenize("", PreKind::gpt2), std::vector<std::string>{});
}

} // namespace
} // namespace llmhost::tok
