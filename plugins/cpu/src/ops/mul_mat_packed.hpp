// The prompt path of mul_mat: packs activation rows once, then each thread unpacks a tile of
// weight rows into the packed layout and runs the register-blocked GEMM over all activations.
#pragma once

#include "ops/ops.hpp"

namespace llmhost::cpu {

// dst [n, m] F32 = weight [k, n] (GGUF layout, `type`) x x [k, m] F32. Requires
// uses_packed_gemm(env.kernels, type, k, m).
void mul_mat_packed(OpEnv& env, TensorType type, const std::byte* weight, size_t weight_row_bytes, const float* x,
                    float* dst, int64_t k, int64_t n, int64_t m);

} // namespace llmhost::cpu
