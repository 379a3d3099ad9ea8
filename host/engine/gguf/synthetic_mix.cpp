// Which type each tensor gets, following llama-quantize's rules closely enough for benchmarks:
//  - plain types (F32, F16, BF16, Q8_0, Q4_0, ...): every 2-D weight gets that type, except that
//    for Q4_0/Q4_1/Q5_0/Q5_1 the output matrix is Q6_K (Q8_0 when n_embd is not a multiple
//    of 256); Q8_0 keeps a Q8_0 output, as llama-quantize does;
//  - Q4_K_M / Q5_K_M: output Q6_K; attn_v and ffn_down Q6_K on the layers use_more_bits picks;
//  - Q4_K_S / Q5_K_S: output Q6_K, everything else the base type (llama-quantize also bumps a
//    few early ffn_down layers; we leave that out).
// The output rule applies to token_embd when the embeddings are tied, as in llama-quantize.
#include <array>

#include "engine/gguf/synthetic.hpp"

namespace llmhost::gguf {
namespace {

struct MixEntry {
  std::string_view name;
  TensorType base;
  uint32_t file_type;
  bool k_mix;
  bool medium;
};

constexpr std::array kMixes = {
    MixEntry{"F32", TensorType::F32, 0, false, false},
    MixEntry{"F16", TensorType::F16, 1, false, false},
    MixEntry{"Q4_0", TensorType::Q4_0, 2, false, false},
    MixEntry{"Q4_1", TensorType::Q4_1, 3, false, false},
    MixEntry{"Q8_0", TensorType::Q8_0, 7, false, false},
    MixEntry{"Q5_0", TensorType::Q5_0, 8, false, false},
    MixEntry{"Q5_1", TensorType::Q5_1, 9, false, false},
    MixEntry{"Q4_K", TensorType::Q4_K, 14, false, false},
    MixEntry{"Q4_K_S", TensorType::Q4_K, 14, true, false},
    MixEntry{"Q4_K_M", TensorType::Q4_K, 15, true, true},
    MixEntry{"Q5_K", TensorType::Q5_K, 16, false, false},
    MixEntry{"Q5_K_S", TensorType::Q5_K, 16, true, false},
    MixEntry{"Q5_K_M", TensorType::Q5_K, 17, true, true},
    MixEntry{"Q6_K", TensorType::Q6_K, 18, false, false},
    MixEntry{"BF16", TensorType::BF16, 32, false, false},
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

} // namespace

Result<TypeMix> parse_type_mix(std::string_view name) {
  for (const auto& m : kMixes)
    if (m.name == name) return TypeMix{std::string(m.name), m.base, m.file_type, m.k_mix, m.medium};
  std::string known;
  for (const auto& m : kMixes) known += (known.empty() ? "" : ", ") + std::string(m.name);
  return Status::error(ErrorCode::invalid_request,
                       "unknown type '" + std::string(name) + "' (known: " + known + ")");
}

bool use_more_bits(int64_t layer, int64_t n_layer) {
  return layer < n_layer / 8 || layer >= 7 * n_layer / 8 || (layer - n_layer / 8) % 3 == 2;
}

TensorType weight_type(const TypeMix& mix, std::string_view tensor_name, int64_t layer,
                       int64_t n_layer, bool is_output, int64_t row_width, int64_t n_embd,
                       std::string* note) {
  TensorType t = mix.base;
  const bool quantized = type_traits(mix.base)->quantized;
  if (is_output && quantized) {
    if (mix.k_mix) {
      t = TensorType::Q6_K;
    } else if (mix.base != TensorType::Q8_0 && mix.base != TensorType::Q4_K &&
               mix.base != TensorType::Q5_K && mix.base != TensorType::Q6_K) {
      t = n_embd % QK_K == 0 ? TensorType::Q6_K : TensorType::Q8_0;
    }
  } else if (mix.medium && layer >= 0 && use_more_bits(layer, n_layer) &&
             (ends_with(tensor_name, "attn_v.weight") || ends_with(tensor_name, "ffn_down.weight"))) {
    t = TensorType::Q6_K;
  }
  const auto block = type_traits(t)->block_elems;
  if (row_width % block != 0) {
    const TensorType fallback = row_width % QK8_0 == 0 ? TensorType::Q8_0 : TensorType::F16;
    if (note)
      *note = std::string(tensor_name) + ": rows of " + std::to_string(row_width) +
              " are not whole " + std::string(type_name(t)) + " blocks, using " +
              std::string(type_name(fallback));
    t = fallback;
  }
  return t;
}

} // namespace llmhost::gguf
