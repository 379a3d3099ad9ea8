// Model hyper-parameters read from GGUF metadata (`<arch>.*` keys), as llama.cpp reads them.
#pragma once

#include <cstdint>
#include <string>

#include "engine/gguf/gguf_file.hpp"
#include "llmhost/status.hpp"

namespace llmhost::engine {

enum class Architecture { llama, qwen2, qwen3 };
const char* architecture_name(Architecture arch);

// Rope pair layouts, with the values OpKind::rope takes in iparams[1].
inline constexpr int32_t kRopeNormal = 0;
inline constexpr int32_t kRopeNeox = 2;

struct HParams {
  Architecture arch = Architecture::llama;
  int64_t n_vocab = 0;       // rows of token_embd
  int64_t n_ctx_train = 0;   // <arch>.context_length
  int64_t n_embd = 0;
  int64_t n_layer = 0;
  int64_t n_head = 0;
  int64_t n_head_kv = 0;
  int64_t head_dim = 0;      // attention.key_length, default n_embd / n_head
  int64_t n_ff = 0;
  float norm_eps = 1e-5f;
  float rope_freq_base = 10000.0f;
  float rope_freq_scale = 1.0f; // 1 / rope.scaling.factor for linear scaling
  int32_t rope_n_dims = 0;      // rope.dimension_count, default head_dim
  int32_t rope_mode = kRopeNormal;

  int64_t q_width() const { return head_dim * n_head; }
  int64_t kv_width() const { return head_dim * n_head_kv; }
};

// Reads and validates the hyper-parameters; errors name the missing or invalid key, or the
// unsupported architecture.
Result<HParams> read_hparams(const gguf::File& file);

} // namespace llmhost::engine
