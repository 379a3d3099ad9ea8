// Shared helpers for the tokenizer tests: loading the shared vocabularies and test vectors.
#pragma once

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.hpp"
#include "engine/tokenizer/tokenizer.hpp"
#include "testdata.hpp"

namespace llmhost::tok::testing {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A vocabulary by test-vector name: a vocab GGUF when there is one, else built from the
// Hugging Face files in hf-tokenizers/. nullptr (with a reason) when unavailable.
inline std::unique_ptr<Tokenizer> build_named(const std::string& name, std::string& why) {
  using llmhost::testing::testdata;
  Result<Vocab> vocab = Status::error(ErrorCode::not_found, "no vocabulary source for " + name);
  const auto gguf_path = testdata("vocab/ggml-vocab-" + name + ".gguf");
  if (std::filesystem::exists(gguf_path)) {
    auto file = gguf::File::open(gguf_path);
    if (!file) {
      why = file.status().message;
      return nullptr;
    }
    vocab = vocab_from_gguf(**file);
  } else {
    std::string hf;
    if (name == "llama-bpe") hf = "llama3";
    if (name == "qwen2" || name == "qwen35") hf = "qwen3";
    if (!hf.empty()) {
      const auto dir = testdata("hf-tokenizers/" + hf);
      vocab = vocab_from_hf(dir / "tokenizer.json", dir / "tokenizer_config.json");
      if (vocab && name == "qwen35") vocab->pre = "qwen35"; // Qwen3's vocab, Qwen3.5's splitter
    }
  }
  if (!vocab) {
    why = vocab.status().message;
    return nullptr;
  }
  auto tok = Tokenizer::create(std::move(*vocab));
  if (!tok) {
    why = tok.status().message;
    return nullptr;
  }
  return std::move(*tok);
}

// Cached per test binary: building from tokenizer.json takes about a second.
inline const Tokenizer* load_named(const std::string& name, std::string& why) {
  static std::map<std::string, std::unique_ptr<Tokenizer>> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, build_named(name, why)).first;
  if (!it->second && why.empty()) why = "could not load " + name;
  return it->second.get();
}

struct Vector {
  std::string input;
  std::vector<int32_t> expected;
};

// ggml-vocab-NAME.gguf.inp / .out: inputs each followed by "\n__ggml_vocab_test__\n"; one line
// of ids per input.
inline std::vector<Vector> load_vectors(const std::string& name) {
  using llmhost::testing::testdata;
  const std::string inp = read_file(testdata("vocab/ggml-vocab-" + name + ".gguf.inp"));
  const std::string out = read_file(testdata("vocab/ggml-vocab-" + name + ".gguf.out"));
  static const std::string kSep = "\n__ggml_vocab_test__\n";
  std::vector<Vector> vectors;
  for (size_t pos = 0;;) {
    const size_t next = inp.find(kSep, pos);
    if (next == std::string::npos) break;
    vectors.push_back(Vector{inp.substr(pos, next - pos), {}});
    pos = next + kSep.size();
  }
  std::istringstream lines(out);
  std::string line;
  for (size_t i = 0; i < vectors.size() && std::getline(lines, line); ++i) {
    std::istringstream ids(line);
    for (int32_t id; ids >> id;) vectors[i].expected.push_back(id);
  }
  return vectors;
}

} // namespace llmhost::tok::testing
