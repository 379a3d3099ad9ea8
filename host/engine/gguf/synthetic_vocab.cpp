#include "engine/gguf/synthetic_vocab.hpp"

#include <cstdio>

#include "engine/gguf/synthetic.hpp"

namespace llmhost::gguf {
namespace {

// llama.cpp's token attribute codes (tokenizer.ggml.token_type).
constexpr int32_t kTokenUnknown = 2;
constexpr int32_t kTokenControl = 3;
constexpr int32_t kTokenByte = 6;

} // namespace

Result<int64_t> copy_vocab(Writer& w, const std::filesystem::path& vocab_file) {
  auto file = File::open(vocab_file);
  if (!file) return file.status();
  const Array* tokens = (*file)->get_array("tokenizer.ggml.tokens");
  if (!tokens || tokens->type != ValueType::string || tokens->items.empty())
    return Status::error(ErrorCode::invalid_request,
                         "vocab file '" + vocab_file.filename().string() +
                             "' has no tokenizer.ggml.tokens string array");
  for (const auto& [key, value] : (*file)->metadata())
    if (key.rfind("tokenizer.", 0) == 0) w.set(std::string(key), OwnedValue::copy_of(value));
  return static_cast<int64_t>(tokens->items.size());
}

int64_t write_byte_vocab(Writer& w) {
  std::vector<OwnedValue> tokens, scores, types;
  auto add = [&](std::string text, int32_t type) {
    tokens.push_back(OwnedValue::string(std::move(text)));
    scores.push_back(OwnedValue::f32(0.0f));
    types.push_back(OwnedValue::i32(type));
  };
  add("<unk>", kTokenUnknown);
  add("<s>", kTokenControl);
  add("</s>", kTokenControl);
  for (int b = 0; b < 256; ++b) {
    char piece[8];
    std::snprintf(piece, sizeof piece, "<0x%02X>", b);
    add(piece, kTokenByte);
  }
  w.set_string("tokenizer.ggml.model", "llama");
  w.set("tokenizer.ggml.tokens", OwnedValue::array(ValueType::string, std::move(tokens)));
  w.set("tokenizer.ggml.scores", OwnedValue::array(ValueType::f32, std::move(scores)));
  w.set("tokenizer.ggml.token_type", OwnedValue::array(ValueType::i32, std::move(types)));
  w.set_u32("tokenizer.ggml.unknown_token_id", 0);
  w.set_u32("tokenizer.ggml.bos_token_id", 1);
  w.set_u32("tokenizer.ggml.eos_token_id", 2);
  w.set_bool("tokenizer.ggml.add_bos_token", true);
  w.set_bool("tokenizer.ggml.add_eos_token", false);
  return kByteVocabSize;
}

} // namespace llmhost::gguf
