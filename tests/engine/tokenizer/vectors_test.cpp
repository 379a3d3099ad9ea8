// llama.cpp's own tokenizer test vectors (test-tokenizer-0): every input must tokenize to
// exactly the recorded ids, with add_special = false and parse_special = false.
#include <gtest/gtest.h>

#include "tokenizer_test_util.hpp"

namespace llmhost::tok {
namespace {

std::string show(const std::vector<int32_t>& ids) {
  std::string s;
  for (int32_t id : ids) s += " " + std::to_string(id);
  return s;
}

class VocabVectors : public ::testing::TestWithParam<std::string> {};

TEST_P(VocabVectors, MatchLlamaCpp) {
  LLMHOST_REQUIRE_TESTDATA();
  const std::string name = GetParam();
  std::string why;
  auto tok = testing::load_named(name, why);
  ASSERT_NE(tok, nullptr) << why;
  const auto vectors = testing::load_vectors(name);
  ASSERT_GE(vectors.size(), 40u);
  size_t failures = 0;
  for (const auto& v : vectors) {
    const auto got = tok->tokenize(v.input, false, false);
    if (got != v.expected) {
      ++failures;
      ADD_FAILURE() << name << ": input '" << v.input << "'\n  expected:" << show(v.expected)
                    << "\n  got:     " << show(got);
    }
  }
  EXPECT_EQ(failures, 0u) << name << ": " << failures << " of " << vectors.size() << " vectors differ";
}

INSTANTIATE_TEST_SUITE_P(Gguf, VocabVectors,
                         ::testing::Values("llama-spm", "phi-3", "bert-bge", "gpt-2", "mpt", "falcon",
                                           "starcoder", "refact", "deepseek-coder", "deepseek-llm"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) if (c == '-') c = '_';
                           return n;
                         });
INSTANTIATE_TEST_SUITE_P(HuggingFace, VocabVectors, ::testing::Values("llama-bpe", "qwen2", "qwen35"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) if (c == '-') c = '_';
                           return n;
                         });

} // namespace
} // namespace llmhost::tok
