// `llmhost tokenize` / `llmhost detokenize` on a real vocabulary GGUF.
#include <sstream>

#include <gtest/gtest.h>

#include "engine/tokenizer/tokenize_cli.hpp"
#include "testdata.hpp"

namespace llmhost::tok {
namespace {

std::string spm_path() { return llmhost::testing::testdata("vocab/ggml-vocab-llama-spm.gguf").string(); }

TEST(TokenizeCli, PrintsIdsWithBosByDefault) {
  LLMHOST_REQUIRE_TESTDATA();
  std::ostringstream out, err;
  const std::vector<std::string> args = {"--model", spm_path(), "Hello world"};
  EXPECT_EQ(run_tokenize_command(args, out, err), 0) << err.str();
  EXPECT_EQ(out.str(), "[1, 15043, 3186]\n");
}

TEST(TokenizeCli, NoBosAndSpecialParsing) {
  LLMHOST_REQUIRE_TESTDATA();
  std::ostringstream out, err;
  const std::vector<std::string> args = {"--model", spm_path(), "--no-bos", "</s>"};
  EXPECT_EQ(run_tokenize_command(args, out, err), 0) << err.str();
  EXPECT_EQ(out.str(), "[2]\n");
  std::ostringstream out2;
  const std::vector<std::string> literal = {"--model", spm_path(), "--no-bos", "--no-parse-special", "</s>"};
  EXPECT_EQ(run_tokenize_command(literal, out2, err), 0);
  EXPECT_NE(out2.str(), "[2]\n");
}

TEST(TokenizeCli, ErrorsAreReportedNotThrown) {
  LLMHOST_REQUIRE_TESTDATA();
  std::ostringstream out, err;
  EXPECT_EQ(run_tokenize_command(std::vector<std::string>{"Hello"}, out, err), 2);
  EXPECT_EQ(run_tokenize_command(std::vector<std::string>{"--model", "/nonexistent.gguf", "x"}, out, err), 1);
  EXPECT_EQ(run_detokenize_command(std::vector<std::string>{"--model", spm_path(), "[1, \"a\"]"}, out, err), 2);
  EXPECT_EQ(run_detokenize_command(std::vector<std::string>{"--model", spm_path(), "[99999999]"}, out, err), 1);
}

TEST(DetokenizeCli, PrintsText) {
  LLMHOST_REQUIRE_TESTDATA();
  std::ostringstream out, err;
  const std::vector<std::string> args = {"--model", spm_path(), "[1, 15043, 3186]"};
  EXPECT_EQ(run_detokenize_command(args, out, err), 0) << err.str();
  EXPECT_EQ(out.str(), "<s> Hello world\n");
  std::ostringstream plain;
  const std::vector<std::string> no_special = {"--model", spm_path(), "--no-special", "[1, 15043, 3186]"};
  EXPECT_EQ(run_detokenize_command(no_special, plain, err), 0);
  EXPECT_EQ(plain.str(), " Hello world\n"); // as llama.cpp: the space prefix stays after a hidden BOS
}

} // namespace
} // namespace llmhost::tok
