// Portable (scalar) kernels: always available, and the fallback for any type a SIMD path lacks.
#include <cmath>
#include <cstring>

#include "kernels/block_decode.hpp"
#include "kernels/kernels.hpp"

namespace llmhost::cpu {
namespace {

const std::byte* col(const void* act, size_t stride, int c) {
  return static_cast<const std::byte*>(act) + static_cast<size_t>(c) * stride;
}

template <typename Block>
void dot_q32(int64_t k, const void* w, const void* act, size_t act_stride, int n_cols, float* out,
             size_t out_stride) {
  const auto* wb = static_cast<const Block*>(w);
  float sums[kMaxDotCols] = {};
  Decoded32 dec;
  for (int64_t b = 0; b < k / 32; ++b) {
    decode_block(wb[b], dec);
    for (int c = 0; c < n_cols; ++c) {
      const auto& a = reinterpret_cast<const BlockQ8_0*>(col(act, act_stride, c))[b];
      int dot = 0, asum = 0;
      for (int i = 0; i < 32; ++i) {
        dot += dec.q[i] * a.qs[i];
        asum += a.qs[i];
      }
      const float da = f16_to_f32(a.d);
      sums[c] += dec.d * da * static_cast<float>(dot) + dec.m * da * static_cast<float>(asum);
    }
  }
  for (int c = 0; c < n_cols; ++c) out[c * out_stride] = sums[c];
}

template <typename Block>
void dot_qk(int64_t k, const void* w, const void* act, size_t act_stride, int n_cols, float* out,
            size_t out_stride) {
  const auto* wb = static_cast<const Block*>(w);
  float sums[kMaxDotCols] = {};
  DecodedK dec;
  for (int64_t b = 0; b < k / QK_K; ++b) {
    decode_block(wb[b], dec);
    for (int c = 0; c < n_cols; ++c) {
      const auto& a = reinterpret_cast<const BlockQ8_K*>(col(act, act_stride, c))[b];
      int32_t sumi = 0, summ = 0;
      for (int g = 0; g < 16; ++g) {
        int32_t dot = 0;
        for (int i = 0; i < 16; ++i) dot += dec.q[16 * g + i] * a.qs[16 * g + i];
        sumi += dec.sc[g] * dot;
        summ += dec.mn[g] * a.bsums[g];
      }
      sums[c] += dec.d * a.d * static_cast<float>(sumi) - dec.dmin * a.d * static_cast<float>(summ);
    }
  }
  for (int c = 0; c < n_cols; ++c) out[c * out_stride] = sums[c];
}

template <typename Elem, float (*to_f32)(Elem)>
void dot_float(int64_t k, const void* w, const void* act, size_t act_stride, int n_cols, float* out,
               size_t out_stride) {
  const auto* wr = static_cast<const Elem*>(w);
  for (int c = 0; c < n_cols; ++c) {
    const auto* a = reinterpret_cast<const float*>(col(act, act_stride, c));
    float sum = 0;
    for (int64_t i = 0; i < k; ++i) sum += to_f32(wr[i]) * a[i];
    out[c * out_stride] = sum;
  }
}

float f32_identity(float v) { return v; }

template <typename Block>
void dequant_q32(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const Block*>(src);
  Decoded32 dec;
  for (int64_t i = 0; i < n / 32; ++i) {
    decode_block(b[i], dec);
    for (int j = 0; j < 32; ++j) dst[32 * i + j] = dec.d * dec.q[j] + dec.m;
  }
}

template <typename Block>
void dequant_qk(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const Block*>(src);
  DecodedK dec;
  for (int64_t i = 0; i < n / QK_K; ++i) {
    decode_block(b[i], dec);
    for (int j = 0; j < QK_K; ++j)
      dst[QK_K * i + j] = dec.d * static_cast<float>(dec.sc[j / 16]) * dec.q[j] -
                          dec.dmin * static_cast<float>(dec.mn[j / 16]);
  }
}

float dot_f32(const float* q, const float* k, int64_t n) {
  float s = 0;
  for (int64_t i = 0; i < n; ++i) s += q[i] * k[i];
  return s;
}

float dot_f16(const float* q, const f16_bits* k, int64_t n) {
  float s = 0;
  for (int64_t i = 0; i < n; ++i) s += q[i] * f16_to_f32(k[i]);
  return s;
}

void scale_add_f32(float* acc, float keep, float weight, const float* v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) acc[i] = acc[i] * keep + weight * v[i];
}

void scale_add_f16(float* acc, float keep, float weight, const f16_bits* v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) acc[i] = acc[i] * keep + weight * f16_to_f32(v[i]);
}

float exp_shifted(float* s, int64_t n, float max) {
  float sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += (s[i] = std::exp(s[i] - max));
  return sum;
}

void silu_mul(const float* g, const float* u, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = g[i] / (1.0f + std::exp(-g[i])) * (u ? u[i] : 1.0f);
}

void set(KernelSet& s, TensorType t, DotFn fn, TensorType act) {
  s.weight[static_cast<uint32_t>(t)] = WeightKernel{fn, act};
}

} // namespace

void fill_portable_kernels(KernelSet& s) {
  s.dot_f32 = dot_f32;
  s.dot_f16 = dot_f16;
  s.scale_add_f32 = scale_add_f32;
  s.scale_add_f16 = scale_add_f16;
  s.exp_shifted = exp_shifted;
  s.silu_mul = silu_mul;
  set(s, TensorType::F32, dot_float<float, f32_identity>, TensorType::F32);
  set(s, TensorType::F16, dot_float<f16_bits, f16_to_f32>, TensorType::F32);
  set(s, TensorType::BF16, dot_float<uint16_t, bf16_to_f32>, TensorType::F32);
  set(s, TensorType::Q4_0, dot_q32<BlockQ4_0>, TensorType::Q8_0);
  set(s, TensorType::Q4_1, dot_q32<BlockQ4_1>, TensorType::Q8_0);
  set(s, TensorType::Q5_0, dot_q32<BlockQ5_0>, TensorType::Q8_0);
  set(s, TensorType::Q5_1, dot_q32<BlockQ5_1>, TensorType::Q8_0);
  set(s, TensorType::Q8_0, dot_q32<BlockQ8_0>, TensorType::Q8_0);
  set(s, TensorType::Q4_K, dot_qk<BlockQ4_K>, TensorType::Q8_K);
  set(s, TensorType::Q5_K, dot_qk<BlockQ5_K>, TensorType::Q8_K);
  set(s, TensorType::Q6_K, dot_qk<BlockQ6_K>, TensorType::Q8_K);
}

bool dequantize_row_cpu(TensorType type, const void* src, float* dst, int64_t n) {
  switch (type) {
    case TensorType::F32: std::memcpy(dst, src, static_cast<size_t>(n) * 4); return true;
    case TensorType::F16:
      for (int64_t i = 0; i < n; ++i) dst[i] = f16_to_f32(static_cast<const f16_bits*>(src)[i]);
      return true;
    case TensorType::BF16:
      for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(static_cast<const uint16_t*>(src)[i]);
      return true;
    case TensorType::Q4_0: dequant_q32<BlockQ4_0>(src, dst, n); return true;
    case TensorType::Q4_1: dequant_q32<BlockQ4_1>(src, dst, n); return true;
    case TensorType::Q5_0: dequant_q32<BlockQ5_0>(src, dst, n); return true;
    case TensorType::Q5_1: dequant_q32<BlockQ5_1>(src, dst, n); return true;
    case TensorType::Q8_0: dequant_q32<BlockQ8_0>(src, dst, n); return true;
    case TensorType::Q4_K: dequant_qk<BlockQ4_K>(src, dst, n); return true;
    case TensorType::Q5_K: dequant_qk<BlockQ5_K>(src, dst, n); return true;
    case TensorType::Q6_K: dequant_qk<BlockQ6_K>(src, dst, n); return true;
    default: return false;
  }
}

} // namespace llmhost::cpu
