// WordPiece as llama.cpp's llm_tokenizer_wpm: lowercase, strip accents (first codepoint of the
// canonical decomposition), split on whitespace and around punctuation and CJK characters, then
// greedy longest-match per word. Word-start tokens carry a U+2581 prefix in llama.cpp's
// converted BERT vocabularies, continuation tokens have none.
#include "engine/tokenizer/unicode.hpp"
#include "engine/tokenizer/vocab_index.hpp"

namespace llmhost::tok {
namespace {

bool is_chinese_char(uint32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words(1);
  for (uint32_t original : unicode::decode_utf8(text)) {
    const uint32_t c = unicode::nfd_first(original);
    if (unicode::is_whitespace(c)) {
      if (!words.back().empty()) words.emplace_back();
      continue;
    }
    const auto cat = unicode::category(c);
    if (c == 0 || c == 0xFFFD || cat == unicode::Category::control) continue;
    const std::string s = unicode::encode_utf8(unicode::to_lower(c));
    if (cat == unicode::Category::punctuation || (c < 0x7F && cat == unicode::Category::symbol) ||
        is_chinese_char(c)) {
      if (!words.back().empty()) words.emplace_back();
      words.back() = s;
      words.emplace_back();
    } else {
      words.back() += s;
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

} // namespace

void wpm_encode(const VocabIndex& index, std::string_view text, std::vector<int32_t>& out) {
  for (const std::string& word : split_words(text)) {
    const std::string w = "\xE2\x96\x81" + word; // phantom space marks the word start
    const size_t n = w.size();
    const size_t start = out.size();
    for (size_t i = 0; i < n; ++i) {
      bool matched = false;
      for (size_t j = std::min(n, i + index.max_token_len + 1); j > i; --j) {
        if (const int32_t id = index.find(std::string_view(w).substr(i, j - i)); id != kNoToken) {
          out.push_back(id);
          matched = true;
          i = j - 1;
          break;
        }
      }
      if (!matched) {
        out.resize(start); // the whole word becomes [UNK]
        break;
      }
    }
    if (out.size() == start && index.vocab->unk != kNoToken) out.push_back(index.vocab->unk);
  }
}

} // namespace llmhost::tok
