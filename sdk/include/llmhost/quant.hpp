// Reference (scalar, portable) conversions between F32 and every weight type. Dequantization
// follows ggml's block definitions exactly; the quantizers round as ggml's reference ones do,
// except Q4_K/Q5_K/Q6_K, whose scale search is our own (valid blocks, not bit-identical).
// Backends use them as the oracle for their fast kernels; tools use them to write GGUF files.
#pragma once

#include <cstdint>

#include "llmhost/status.hpp"
#include "llmhost/tensor_type.hpp"

namespace llmhost {

// dst[0..n) = values of the n elements at src (n a whole number of blocks of `type`).
// Supports F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q4_K, Q5_K, Q6_K, Q8_K.
Status dequantize_row(TensorType type, const void* src, float* dst, int64_t n);
// Writes n elements of src as `type` into dst (row_bytes(type, n) bytes).
Status quantize_row(TensorType type, const float* src, void* dst, int64_t n);
// Whether quantize_row / dequantize_row handle `type`.
bool can_quantize(TensorType type);

} // namespace llmhost
