// libFuzzer target: random bytes as text through an SPM tokenizer (ggml-vocab-llama-spm.gguf)
// and a byte-level BPE one (ggml-vocab-gpt-2.gguf): tokenize with and without special-token
// parsing, detokenize, stream-decode. Crashes, sanitizer reports and broken invariants fail.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "engine/gguf/gguf_file.hpp"
#include "engine/tokenizer/stream_decoder.hpp"
#include "engine/tokenizer/tokenizer.hpp"

namespace {

std::unique_ptr<llmhost::tok::Tokenizer> load(const char* name) {
  const std::string path = std::string(LLMHOST_TESTDATA_DIR) + "/vocab/" + name;
  auto file = llmhost::gguf::File::open(path);
  if (!file) return nullptr;
  auto vocab = llmhost::tok::vocab_from_gguf(**file);
  if (!vocab) return nullptr;
  auto tok = llmhost::tok::Tokenizer::create(std::move(*vocab));
  return tok ? std::move(*tok) : nullptr;
}

struct Tokenizers {
  std::unique_ptr<llmhost::tok::Tokenizer> spm = load("ggml-vocab-llama-spm.gguf");
  std::unique_ptr<llmhost::tok::Tokenizer> bpe = load("ggml-vocab-gpt-2.gguf");
};

void check(const llmhost::tok::Tokenizer& tok, std::string_view text) {
  for (bool special : {false, true}) {
    const auto ids = tok.tokenize(text, special, special);
    for (int32_t id : ids)
      if (id < 0 || id >= tok.n_vocab()) std::abort();
    const std::string back = tok.detokenize(ids, special, special);
    llmhost::tok::StreamDecoder dec(tok, special);
    size_t streamed = 0;
    for (int32_t id : ids) streamed += dec.push(id).size();
    streamed += dec.flush().size();
    (void)back;
    (void)streamed;
  }
  // SPM keeps every byte (byte fallback); its pieces reproduce the text.
  if (tok.vocab().model == "llama" && !text.empty() && text.find('<') == std::string_view::npos &&
      text.find("\xE2\x96\x81") == std::string_view::npos) {
    std::string pieces;
    for (int32_t id : tok.tokenize(text, false, false)) pieces += tok.token_to_piece(id, false);
    std::string expected = " ";
    expected.append(text);
    auto unescape = [](std::string s) {
      for (size_t p; (p = s.find("\xE2\x96\x81")) != std::string::npos;) s.replace(p, 3, " ");
      return s;
    };
    if (unescape(pieces) != unescape(expected)) std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Tokenizers tokenizers;
  if (size > 4096) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (tokenizers.spm) check(*tokenizers.spm, text);
  if (tokenizers.bpe) check(*tokenizers.bpe, text);
  return 0;
}
