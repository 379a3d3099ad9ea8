// The prompt-path layout: weight rows and activation rows unpacked to int8 with one float scale
// and one float offset per 16 elements, so a register-blocked GEMM kernel can treat every weight
// type alike. A packed row of k elements (k % 64 == 0) is
//   [int8 q[k]] [float scale[k/16]] [float offset[k/16]]
// Weights: value = scale * q + offset. Activations: value = scale * q, quantized per 32 exactly
// as Q8_0 does; their offset slot holds scale * sum(q) of the 16-element group, which pairs with
// the weight offsets.
#pragma once

#include <cstddef>
#include <cstdint>

#include "llmhost/tensor_type.hpp"

namespace llmhost::cpu {

inline constexpr int64_t kPackGroup = 16;
inline constexpr int64_t kPackAlign = 64; // k must be a multiple of this
inline constexpr int kGemmRows = 4, kGemmCols = 4;

inline size_t packed_row_bytes(int64_t k) { return static_cast<size_t>(k + 2 * (k / kPackGroup) * 4); }

// Whether pack_weight_row handles `type`.
bool can_pack_weight(TensorType type);
// Unpacks one weight row (GGUF layout) into the packed layout; `has_offset` tells whether any
// offset is non-zero for this type.
void pack_weight_row(TensorType type, const void* src, int64_t k, std::byte* dst);
bool packed_type_has_offset(TensorType type);
// Quantizes one activation row into the packed layout (the same values Q8_0 quantization gives).
void pack_activation_row(const float* x, int64_t k, std::byte* dst);

// out[c * out_stride + r] = dot(packed weight row r, packed activation row c) for
// r < kGemmRows, c < kGemmCols (every row/column present; callers pad).
using GemmFn = void (*)(int64_t k, const std::byte* w, size_t w_stride, const std::byte* a, size_t a_stride,
                        bool has_offset, float* out, size_t out_stride);

} // namespace llmhost::cpu
