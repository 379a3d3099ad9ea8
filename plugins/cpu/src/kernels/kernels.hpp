// The kernel table of one instruction-set path. mul_mat quantizes its F32 activations once per op
// to the type `act_type` names (Q8_0 for 32-element block types, Q8_K for K-quants, F32 for
// float weights) and then calls `dot` for each (weight row, group of activation rows).
#pragma once

#include <cstddef>
#include <cstdint>

#include "features.hpp"
#include "kernels/packed.hpp"
#include "llmhost/tensor_type.hpp"

namespace llmhost::cpu {

inline constexpr int kMaxDotCols = 4;

// out[c * out_stride] = dot(weight row w, activation row c) for c in [0, n_cols), n_cols <=
// kMaxDotCols; activation row c starts at act + c * act_stride bytes. k = row length (elements).
using DotFn = void (*)(int64_t k, const void* w, const void* act, size_t act_stride, int n_cols,
                       float* out, size_t out_stride);
// Quantizes n floats (a whole number of blocks) into dst in the activation format.
using QuantizeFn = void (*)(const float* x, void* dst, int64_t n);

// Optional decode path (few activation rows): the activation rows are prepared once per op
// into a kernel-specific layout (`act_bytes(k)` bytes per row; 0 when k does not suit it) and
// `dot` takes that layout instead of act_type's.
struct DecodeKernel {
  DotFn dot = nullptr;
  QuantizeFn prepare = nullptr;
  size_t (*act_bytes)(int64_t k) = nullptr;
};

struct WeightKernel {
  DotFn dot = nullptr;
  TensorType act_type = TensorType::F32;
  DecodeKernel decode{};
};

struct KernelSet {
  Isa isa = Isa::portable;
  // Indexed by weight type; dot == nullptr when unsupported.
  WeightKernel weight[32]{};
  QuantizeFn quantize_q8_0 = nullptr;
  QuantizeFn quantize_q8_k = nullptr;
  // Attention helpers over one head's vector of n floats: q.k and acc = acc * keep + weight * v,
  // with k / v rows of the cache in F32 or F16.
  float (*dot_f32)(const float* q, const float* k, int64_t n) = nullptr;
  float (*dot_f16)(const float* q, const f16_bits* k, int64_t n) = nullptr;
  void (*scale_add_f32)(float* acc, float keep, float weight, const float* v, int64_t n) = nullptr;
  void (*scale_add_f16)(float* acc, float keep, float weight, const f16_bits* v, int64_t n) = nullptr;
  // s[i] = exp(s[i] - max) for i < n; returns the sum (softmax numerators).
  float (*exp_shifted)(float* s, int64_t n, float max) = nullptr;
  // out[i] = silu(g[i]) * (u ? u[i] : 1) for i < n (SwiGLU's gate, or plain SiLU when u is null).
  void (*silu_mul)(const float* g, const float* u, float* out, int64_t n) = nullptr;
  // Prompt-path GEMM on packed rows (null where the path has none), and the weight-row packer
  // it uses (pack_weight_row or a SIMD equivalent).
  GemmFn gemm = nullptr;
  void (*pack_weight)(TensorType type, const void* src, int64_t k, std::byte* dst) = pack_weight_row;

  const WeightKernel* find(TensorType t) const {
    const auto i = static_cast<uint32_t>(t);
    return i < 32 && weight[i].dot ? &weight[i] : nullptr;
  }
};

// The table for `isa` (must be available on this CPU).
const KernelSet& kernels_for(Isa isa);

// Whether mul_mat with these operands takes the packed prompt path (activations then quantize
// like Q8_0 for every weight type).
inline bool uses_packed_gemm(const KernelSet& set, TensorType weight, int64_t k, int64_t m) {
  return set.gemm != nullptr && m > 2 * kMaxDotCols && k % kPackAlign == 0 && can_pack_weight(weight);
}

// Dequantizes one row of n elements of any mul_mat weight type (used by get_rows).
bool dequantize_row_cpu(TensorType type, const void* src, float* dst, int64_t n);

// Scalar activation quantizers (shared by all paths; SIMD versions may replace them).
void quantize_act_q8_0(const float* x, void* dst, int64_t n);
void quantize_act_q8_k(const float* x, void* dst, int64_t n);

// Per-path tables, filled by their own translation units.
void fill_portable_kernels(KernelSet& set);
#if defined(LLMHOST_CPU_X86)
void fill_avx2_kernels(KernelSet& set);
void fill_avx512_kernels(KernelSet& set);
void fill_avx512_gemm(KernelSet& set);
void fill_avx512_decode(KernelSet& set);
#endif

} // namespace llmhost::cpu
