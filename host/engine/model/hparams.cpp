#include "engine/model/hparams.hpp"

#include <optional>
#include <string>

namespace llmhost::engine {

const char* architecture_name(Architecture arch) {
  switch (arch) {
    case Architecture::llama: return "llama";
    case Architecture::qwen2: return "qwen2";
    case Architecture::qwen3: return "qwen3";
  }
  return "unknown";
}

namespace {

std::optional<Architecture> parse_architecture(std::string_view name) {
  if (name == "llama") return Architecture::llama;
  if (name == "qwen2") return Architecture::qwen2;
  if (name == "qwen3") return Architecture::qwen3;
  return std::nullopt;
}

Status invalid(std::string msg) { return Status::error(ErrorCode::unsupported, std::move(msg)); }

// Reads `<arch>.<key>` as a positive integer, or `fallback` when absent (fallback 0 = required).
Result<int64_t> read_count(const gguf::File& f, const std::string& prefix, std::string_view key,
                           int64_t fallback = 0) {
  const std::string full = prefix + std::string(key);
  std::optional<int64_t> v = f.get_i64(full);
  if (!v) {
    // Some writers store per-layer arrays (e.g. head_count_kv); take the first entry.
    if (const gguf::Array* a = f.get_array(full); a && !a->items.empty()) v = a->items[0].as_i64();
  }
  if (!v) {
    if (fallback > 0) return fallback;
    return invalid("model metadata lacks '" + full + "'");
  }
  if (*v <= 0 || *v > (int64_t{1} << 32)) return invalid("model metadata '" + full + "' is out of range");
  return *v;
}

} // namespace

Result<HParams> read_hparams(const gguf::File& f) {
  const std::string_view arch_name = f.architecture();
  if (arch_name.empty()) return invalid("model has no general.architecture");
  std::optional<Architecture> arch = parse_architecture(arch_name);
  if (!arch) return invalid("unsupported model architecture '" + std::string(arch_name) + "'");

  HParams hp;
  hp.arch = *arch;
  const std::string p = std::string(arch_name) + ".";

  const gguf::TensorInfo* embd = f.find_tensor("token_embd.weight");
  if (!embd) return invalid("model lacks tensor 'token_embd.weight'");
  hp.n_vocab = embd->desc.ne[1];

  auto n_embd = read_count(f, p, "embedding_length");
  if (!n_embd) return n_embd.status();
  hp.n_embd = *n_embd;
  auto n_layer = read_count(f, p, "block_count");
  if (!n_layer) return n_layer.status();
  hp.n_layer = *n_layer;
  auto n_head = read_count(f, p, "attention.head_count");
  if (!n_head) return n_head.status();
  hp.n_head = *n_head;
  auto n_head_kv = read_count(f, p, "attention.head_count_kv", hp.n_head);
  if (!n_head_kv) return n_head_kv.status();
  hp.n_head_kv = *n_head_kv;
  auto head_dim = read_count(f, p, "attention.key_length", hp.n_embd / hp.n_head);
  if (!head_dim) return head_dim.status();
  hp.head_dim = *head_dim;
  auto n_ff = read_count(f, p, "feed_forward_length");
  if (!n_ff) return n_ff.status();
  hp.n_ff = *n_ff;
  auto n_ctx = read_count(f, p, "context_length", 2048);
  if (!n_ctx) return n_ctx.status();
  hp.n_ctx_train = *n_ctx;

  if (hp.n_head % hp.n_head_kv != 0)
    return invalid("attention.head_count " + std::to_string(hp.n_head) +
                   " is not a multiple of head_count_kv " + std::to_string(hp.n_head_kv));
  if (embd->desc.ne[0] != hp.n_embd)
    return invalid("token_embd.weight width " + std::to_string(embd->desc.ne[0]) +
                   " does not match embedding_length " + std::to_string(hp.n_embd));

  if (auto eps = f.get_f64(p + "attention.layer_norm_rms_epsilon")) hp.norm_eps = static_cast<float>(*eps);
  if (auto base = f.get_f64(p + "rope.freq_base")) hp.rope_freq_base = static_cast<float>(*base);
  auto n_dims = read_count(f, p, "rope.dimension_count", hp.head_dim);
  if (!n_dims) return n_dims.status();
  if (*n_dims > hp.head_dim || *n_dims % 2 != 0)
    return invalid("rope.dimension_count " + std::to_string(*n_dims) + " is invalid for head size " +
                   std::to_string(hp.head_dim));
  hp.rope_n_dims = static_cast<int32_t>(*n_dims);

  if (auto type = f.get_string(p + "rope.scaling.type"); type && *type != "none") {
    if (*type != "linear") return invalid("unsupported rope scaling type '" + std::string(*type) + "'");
    if (auto factor = f.get_f64(p + "rope.scaling.factor"); factor && *factor > 0)
      hp.rope_freq_scale = static_cast<float>(1.0 / *factor);
  }
  hp.rope_mode = hp.arch == Architecture::llama ? kRopeNormal : kRopeNeox;
  return hp;
}

} // namespace llmhost::engine
