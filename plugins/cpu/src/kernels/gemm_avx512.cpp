// The prompt-path GEMM micro-kernel (AVX-512 BW + VNNI): 4 packed weight rows x 4 packed
// activation rows, 64 elements per step, 16 accumulators in registers. Per (row, column) pair
// and step: one masked negate (moving the weight's sign onto the activation), one vpdpbusd, one
// convert and a multiply-add by the product of the two 16-element scales.
#include <immintrin.h>

// GCC 12's AVX-512 intrinsics start from _mm512_undefined_*(), which -Wuninitialized flags
// (a false positive, fixed in later GCC).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>

#include "kernels/kernels.hpp"
#include "kernels/packed.hpp"

namespace llmhost::cpu {
namespace {

// Scales of 4 consecutive 16-element groups, spread over the 16 lanes (4 lanes per group).
inline __m512 expand_scales(const float* p, __m512i spread) {
  return _mm512_permutexvar_ps(spread, _mm512_broadcast_f32x4(_mm_loadu_ps(p)));
}

void gemm_4x4(int64_t k, const std::byte* w, size_t w_stride, const std::byte* a, size_t a_stride, bool has_offset,
              float* out, size_t out_stride) {
  const __m512i spread = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
  const int8_t* wq[kGemmRows];
  const float* wscale[kGemmRows];
  const int8_t* aq[kGemmCols];
  const float* ascale[kGemmCols];
  for (int r = 0; r < kGemmRows; ++r) {
    wq[r] = reinterpret_cast<const int8_t*>(w + r * w_stride);
    wscale[r] = reinterpret_cast<const float*>(w + r * w_stride + k);
  }
  for (int c = 0; c < kGemmCols; ++c) {
    aq[c] = reinterpret_cast<const int8_t*>(a + c * a_stride);
    ascale[c] = reinterpret_cast<const float*>(a + c * a_stride + k);
  }
  __m512 acc[kGemmRows][kGemmCols];
  for (auto& row : acc)
    for (auto& v : row) v = _mm512_setzero_ps();
  const __m512i zero = _mm512_setzero_si512();

  for (int64_t kk = 0; kk < k; kk += 64) {
    __m512i wabs[kGemmRows];
    __mmask64 wneg[kGemmRows];
    __m512 ws[kGemmRows];
    _Pragma("GCC unroll 4") for (int r = 0; r < kGemmRows; ++r) {
      const __m512i wv = _mm512_loadu_si512(wq[r] + kk);
      wabs[r] = _mm512_abs_epi8(wv);
      wneg[r] = _mm512_movepi8_mask(wv);
      ws[r] = expand_scales(wscale[r] + kk / kPackGroup, spread);
    }
    _Pragma("GCC unroll 4") for (int c = 0; c < kGemmCols; ++c) {
      const __m512i av = _mm512_loadu_si512(aq[c] + kk);
      const __m512 as = expand_scales(ascale[c] + kk / kPackGroup, spread);
      _Pragma("GCC unroll 4") for (int r = 0; r < kGemmRows; ++r) {
        const __m512i signed_a = _mm512_mask_sub_epi8(av, wneg[r], zero, av);
        const __m512i dot = _mm512_dpbusd_epi32(zero, wabs[r], signed_a);
        acc[r][c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(ws[r], as), acc[r][c]);
      }
    }
  }

  for (int r = 0; r < kGemmRows; ++r) {
    for (int c = 0; c < kGemmCols; ++c) {
      float sum = _mm512_reduce_add_ps(acc[r][c]);
      if (has_offset) {
        const int64_t groups = k / kPackGroup;
        const float* woff = wscale[r] + groups;
        const float* aoff = ascale[c] + groups;
        __m512 o = _mm512_setzero_ps();
        for (int64_t g = 0; g < groups; g += 16) {
          const auto left = static_cast<unsigned>(std::min<int64_t>(16, groups - g));
          const auto mask = static_cast<__mmask16>((1u << left) - 1u);
          o = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, woff + g), _mm512_maskz_loadu_ps(mask, aoff + g), o);
        }
        sum += _mm512_reduce_add_ps(o);
      }
      out[c * out_stride + r] = sum;
    }
  }
}

} // namespace

void fill_avx512_gemm(KernelSet& set) { set.gemm = gemm_4x4; }

} // namespace llmhost::cpu
