// Synthetic GGUF models: llama.cpp-compatible metadata and tensor layout for the llama, qwen2
// and qwen3 architectures, random weights from a seeded generator, quantized like llama-quantize
// would. They exercise the same loading and compute paths as real downloads of the same shape.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "llmhost/status.hpp"
#include "llmhost/tensor_type.hpp"

namespace llmhost::gguf {

struct SynthOptions {
  std::string arch = "llama";  // llama | qwen2 | qwen3
  int64_t n_embd = 2048;
  int64_t n_layer = 16;
  int64_t n_head = 32;
  int64_t n_head_kv = 8;
  int64_t n_ff = 8192;
  int64_t head_dim = 0;        // 0: n_embd / n_head
  int64_t n_ctx = 4096;
  std::string type = "Q4_0";   // a tensor type name, or a mix: Q4_K_M, Q5_K_M, Q4_K_S, Q5_K_S
  uint64_t seed = 42;
  std::filesystem::path vocab; // a GGUF whose tokenizer.* keys are copied; empty: byte vocab
  bool tied = false;           // no output.weight: the output reuses token_embd
  int threads = 2;
  std::string name;            // general.name; empty: "synthetic-<arch>"
};

struct SynthReport {
  size_t n_tensors = 0;
  int64_t n_vocab = 0;
  uint64_t n_params = 0;
  std::vector<std::string> notes; // type fallbacks and other decisions worth logging
};

// Writes a synthetic model to `out`. Deterministic: the same options give the same bytes.
Result<SynthReport> write_synthetic_model(const SynthOptions& options,
                                          const std::filesystem::path& out);

// ---- The pieces, exposed for tests and tools ----

// A type mix as llama-quantize names it ("Q4_K_M") or a plain type name ("Q8_0").
struct TypeMix {
  std::string name;
  TensorType base = TensorType::F32;
  uint32_t file_type = 0;   // general.file_type (llama_ftype)
  bool k_mix = false;       // _M / _S mixes: output Q6_K, _M: attn_v/ffn_down Q6_K on some layers
  bool medium = false;
};
Result<TypeMix> parse_type_mix(std::string_view name);

// llama-quantize's use_more_bits: the first and last eighth of the layers and every third
// layer between them get more bits in the _M mixes.
bool use_more_bits(int64_t layer, int64_t n_layer);

// The type a 2-D weight gets under `mix`. `layer` is -1 for non-layer tensors; `is_output` is
// true for output.weight (or token_embd.weight when tied). Rows of `row_width` elements that are
// not whole blocks of the chosen type fall back to Q8_0 (or F16); `note` then says so.
TensorType weight_type(const TypeMix& mix, std::string_view tensor_name, int64_t layer,
                       int64_t n_layer, bool is_output, int64_t row_width, int64_t n_embd,
                       std::string* note = nullptr);

// The byte-level SentencePiece vocabulary: <unk>, <s>, </s>, then <0x00>..<0xFF>.
inline constexpr int64_t kByteVocabSize = 259;

} // namespace llmhost::gguf
