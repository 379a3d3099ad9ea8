// tokenizer.ggml.* metadata -> Vocab, in the order llama.cpp's llama_vocab::load applies it:
// model defaults first, then the file's tokens, ids and flags.
#include "engine/gguf/gguf_file.hpp"
#include "engine/tokenizer/vocab.hpp"

namespace llmhost::tok {
namespace {

Status bad(std::string msg) { return Status::error(ErrorCode::invalid_request, std::move(msg)); }

} // namespace

Result<Vocab> vocab_from_gguf(const gguf::File& file) {
  Vocab v;
  const auto model = file.get_string("tokenizer.ggml.model");
  if (!model) return bad("GGUF has no tokenizer.ggml.model");
  v.model = std::string(*model);
  if (v.model == "no_vocab" || v.model == "none")
    return Status::error(ErrorCode::unsupported, "the model has no vocabulary");
  v.pre = std::string(file.get_string("tokenizer.ggml.pre").value_or(""));
  v.name = std::string(file.get_string("general.name").value_or(""));
  if (Status s = apply_model_defaults(v); !s) return s;

  const gguf::Array* tokens = file.get_array("tokenizer.ggml.tokens");
  if (!tokens || tokens->type != gguf::ValueType::string) return bad("GGUF has no tokenizer.ggml.tokens string array");
  v.tokens.reserve(tokens->items.size());
  for (const auto& item : tokens->items) v.tokens.emplace_back(item.as_string().value_or(""));

  if (const gguf::Array* scores = file.get_array("tokenizer.ggml.scores")) {
    v.scores.reserve(scores->items.size());
    for (const auto& item : scores->items) {
      const auto f = item.as_f64();
      if (!f) return bad("tokenizer.ggml.scores is not numeric");
      v.scores.push_back(float(*f));
    }
  }
  if (const gguf::Array* types = file.get_array("tokenizer.ggml.token_type")) {
    v.token_types.reserve(types->items.size());
    for (const auto& item : types->items) {
      const auto t = item.as_i64();
      if (!t) return bad("tokenizer.ggml.token_type is not an integer array");
      v.token_types.push_back(int32_t(*t));
    }
  }
  if (v.model == "gpt2") {
    const gguf::Array* merges = file.get_array("tokenizer.ggml.merges");
    if (!merges) return bad("GGUF has no tokenizer.ggml.merges for a BPE vocabulary");
    v.merges.reserve(merges->items.size());
    for (const auto& item : merges->items) v.merges.emplace_back(item.as_string().value_or(""));
  }

  // Special ids from metadata; values outside the vocab are ignored as llama.cpp does.
  const auto n = int64_t(v.tokens.size());
  auto read_id = [&](const char* key, int32_t& id) {
    if (auto x = file.get_i64(key); x && *x >= 0 && *x < n) id = int32_t(*x);
  };
  read_id("tokenizer.ggml.bos_token_id", v.bos);
  read_id("tokenizer.ggml.eos_token_id", v.eos);
  read_id("tokenizer.ggml.eot_token_id", v.eot);
  read_id("tokenizer.ggml.eom_token_id", v.eom);
  read_id("tokenizer.ggml.unknown_token_id", v.unk);
  read_id("tokenizer.ggml.seperator_token_id", v.sep);
  read_id("tokenizer.ggml.padding_token_id", v.pad);
  read_id("tokenizer.ggml.mask_token_id", v.mask);
  read_id("tokenizer.ggml.fim_pre_token_id", v.fim_pre);
  read_id("tokenizer.ggml.fim_suf_token_id", v.fim_suf);
  read_id("tokenizer.ggml.fim_mid_token_id", v.fim_mid);
  read_id("tokenizer.ggml.fim_pad_token_id", v.fim_pad);
  read_id("tokenizer.ggml.fim_rep_token_id", v.fim_rep);
  read_id("tokenizer.ggml.fim_sep_token_id", v.fim_sep);
  if (!file.find("tokenizer.ggml.bos_token_id")) read_id("tokenizer.ggml.cls_token_id", v.bos);

  if (auto b = file.get_bool("tokenizer.ggml.add_bos_token")) v.add_bos = *b;
  if (auto b = file.get_bool("tokenizer.ggml.add_eos_token")) v.add_eos = *b;
  if (auto b = file.get_bool("tokenizer.ggml.add_sep_token")) v.add_sep = *b;
  if (auto b = file.get_bool("tokenizer.ggml.add_space_prefix")) v.add_space_prefix = *b;
  if (auto b = file.get_bool("tokenizer.ggml.remove_extra_whitespaces")) v.remove_extra_whitespaces = *b;

  if (Status s = resolve(v); !s) return s;
  return v;
}

} // namespace llmhost::tok
