// The prompt-path GEMM micro-kernel (AVX-512 + VNNI) on the panel layouts of packed.hpp:
// kGemmPanels panels of 16 interleaved weight rows x kGemmCols activation rows. Each step loads
// one vector of 4 elements x 16 rows per panel and broadcasts 4 activation bytes per column, so
// every load feeds several vpdpbusd. Integer sums run over a whole scale group (starting from the
// +128 bias correction); scales are applied once per group.
#include <immintrin.h>

// GCC 12's AVX-512 intrinsics start from _mm512_undefined_*(), which -Wuninitialized flags
// (a false positive, fixed in later GCC).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <cstring>

#include "kernels/kernels.hpp"
#include "kernels/packed.hpp"

namespace llmhost::cpu {
namespace {

constexpr int R = kGemmPanels, C = kGemmCols;

inline int32_t load_i32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

template <int Group, bool HasOffset>
void gemm_panels(int64_t k, const std::byte* panels, size_t panel_stride, const std::byte* acts, size_t act_stride,
                 float* out, size_t out_stride, int valid_rows, int valid_cols) {
  constexpr size_t group_bytes = static_cast<size_t>(Group * kPanelRows + 3 * 4 * kPanelRows);
  const int64_t groups = k / Group;
  const uint8_t* aq[C];
  const float* ascale[C];
  for (int c = 0; c < C; ++c) {
    aq[c] = reinterpret_cast<const uint8_t*>(acts + act_stride * static_cast<size_t>(c));
    ascale[c] = reinterpret_cast<const float*>(acts + act_stride * static_cast<size_t>(c) + k);
  }
  __m512 acc[R][C];
  for (auto& row : acc)
    for (auto& v : row) v = _mm512_setzero_ps();

  for (int64_t g = 0; g < groups; ++g) {
    const std::byte* gp[R];
    for (int r = 0; r < R; ++r) gp[r] = panels + panel_stride * static_cast<size_t>(r) + group_bytes * static_cast<size_t>(g);
    __m512i isum[R][C];
    _Pragma("GCC unroll 4") for (int r = 0; r < R; ++r) {
      const __m512i corr = _mm512_load_si512(gp[r] + Group * kPanelRows + 64);
      _Pragma("GCC unroll 8") for (int c = 0; c < C; ++c) isum[r][c] = corr;
    }
    _Pragma("GCC unroll 8") for (int s = 0; s < Group / 4; ++s) {
      __m512i w[R];
      _Pragma("GCC unroll 4") for (int r = 0; r < R; ++r) w[r] = _mm512_load_si512(gp[r] + 64 * s);
      _Pragma("GCC unroll 8") for (int c = 0; c < C; ++c) {
        const __m512i a = _mm512_set1_epi32(load_i32(aq[c] + g * Group + 4 * s));
        _Pragma("GCC unroll 4") for (int r = 0; r < R; ++r) isum[r][c] = _mm512_dpbusd_epi32(isum[r][c], a, w[r]);
      }
    }
    _Pragma("GCC unroll 4") for (int r = 0; r < R; ++r) {
      const __m512 ws = _mm512_load_ps(reinterpret_cast<const float*>(gp[r] + Group * kPanelRows));
      _Pragma("GCC unroll 8") for (int c = 0; c < C; ++c) {
        const __m512 scaled = _mm512_mul_ps(_mm512_cvtepi32_ps(isum[r][c]), _mm512_set1_ps(ascale[c][g]));
        acc[r][c] = _mm512_fmadd_ps(scaled, ws, acc[r][c]);
      }
      if constexpr (HasOffset) {
        const __m512 wo = _mm512_load_ps(reinterpret_cast<const float*>(gp[r] + Group * kPanelRows + 128));
        _Pragma("GCC unroll 8") for (int c = 0; c < C; ++c)
          acc[r][c] = _mm512_fmadd_ps(wo, _mm512_set1_ps(ascale[c][groups + g]), acc[r][c]);
      }
    }
  }

  for (int r = 0; r < R; ++r) {
    const int left = valid_rows - r * kPanelRows;
    if (left <= 0) break;
    const auto mask = static_cast<__mmask16>(left >= kPanelRows ? 0xffffu : (1u << left) - 1u);
    for (int c = 0; c < valid_cols; ++c)
      _mm512_mask_storeu_ps(out + out_stride * static_cast<size_t>(c) + r * kPanelRows, mask, acc[r][c]);
  }
}

void gemm(int64_t k, int64_t group, const std::byte* panels, size_t panel_stride, const std::byte* acts,
          size_t act_stride, bool has_offset, float* out, size_t out_stride, int valid_rows, int valid_cols) {
  if (group == 32) {
    if (has_offset) gemm_panels<32, true>(k, panels, panel_stride, acts, act_stride, out, out_stride, valid_rows, valid_cols);
    else gemm_panels<32, false>(k, panels, panel_stride, acts, act_stride, out, out_stride, valid_rows, valid_cols);
  } else {
    if (has_offset) gemm_panels<16, true>(k, panels, panel_stride, acts, act_stride, out, out_stride, valid_rows, valid_cols);
    else gemm_panels<16, false>(k, panels, panel_stride, acts, act_stride, out, out_stride, valid_rows, valid_cols);
  }
}

} // namespace

void fill_avx512_gemm(KernelSet& set) { set.gemm = gemm; }

} // namespace llmhost::cpu
