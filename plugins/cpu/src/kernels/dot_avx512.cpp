// AVX-512 (F, BW, VL, VNNI) kernels: the AVX2 kernels with VNNI dot products (vpdpbusd) and the
// 32 vector registers AVX-512 gives, plus 512-bit decode kernels (one activation row) for the
// most common types that take two blocks per step. Chosen at run time by cpuid.
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#include "kernels/block_decode.hpp"
#include "kernels/kernels.hpp"

// GCC 12's AVX-512 intrinsics start from _mm512_undefined_*(), which -Wuninitialized flags
// (a false positive, fixed in later GCC).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define LLMHOST_X86_VNNI 1
namespace llmhost::cpu::avx512 {
#include "kernels/dot_x86.inl"

namespace {

inline __m256i load_pair128(const uint8_t* first, const uint8_t* second) {
  return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(first))),
                                 _mm_loadu_si128(reinterpret_cast<const __m128i*>(second)), 1);
}

inline __m512i load_pair256(const void* first, const void* second) {
  return _mm512_inserti64x4(_mm512_castsi256_si512(load256(first)), load256(second), 1);
}

// Weights of two consecutive blocks as 64 signed bytes.
inline __m512i two_blocks(const BlockQ4_0* w) {
  const __m256i q = load_pair128(w[0].qs, w[1].qs);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m512i halves = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_and_si256(q, low)),
                                            _mm256_and_si256(_mm256_srli_epi16(q, 4), low), 1);
  // [lo0 lo1 hi0 hi1] -> [lo0 hi0 lo1 hi1], element order of the two blocks.
  const __m512i ordered = _mm512_shuffle_i64x2(halves, halves, _MM_SHUFFLE(3, 1, 2, 0));
  return _mm512_sub_epi8(ordered, _mm512_set1_epi8(8));
}
inline __m512i two_blocks(const BlockQ8_0* w) { return load_pair256(w[0].qs, w[1].qs); }

// sum over blocks of d_w * d_a * dot(q_w, q_a) for one activation row, two blocks per step.
template <typename Block>
float dot_pairs(int64_t k, const Block* w, const BlockQ8_0* a) {
  const __m512i spread = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
  const __m512i zero = _mm512_setzero_si512();
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  const int64_t nb = k / 32;
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    const __m512i wv = two_blocks(w + b);
    const __m512i av = load_pair256(a[b].qs, a[b + 1].qs);
    const __m512i dot = _mm512_dpbusd_epi32(zero, _mm512_abs_epi8(wv),
                                            _mm512_mask_sub_epi8(av, _mm512_movepi8_mask(wv), zero, av));
    const __m128 d = _mm_cvtph_ps(_mm_setr_epi16(static_cast<short>(w[b].d), static_cast<short>(w[b + 1].d),
                                                 static_cast<short>(a[b].d), static_cast<short>(a[b + 1].d), 0, 0, 0, 0));
    const __m128 scales = _mm_mul_ps(d, _mm_movehl_ps(d, d)); // [dw0 * da0, dw1 * da1, ...]
    const __m512 sv = _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(scales));
    if ((b & 2) == 0) acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), sv, acc0);
    else acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), sv, acc1);
  }
  float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
  if (b < nb) { // odd block count: the last one on the 256-bit path
    float tail;
    dot_signed32<Block, 1>(32, w + b, a + b, 0, &tail, 1);
    sum += tail;
  }
  return sum;
}

template <typename Block>
void dot_decode_first(int64_t k, const void* w, const void* act, size_t act_stride, int n_cols, float* out,
                      size_t out_stride) {
  if (n_cols == 1) {
    out[0] = dot_pairs(k, static_cast<const Block*>(w), static_cast<const BlockQ8_0*>(act));
    return;
  }
  dispatch_cols<Signed32<Block>::template K>(k, w, act, act_stride, n_cols, out, out_stride);
}

} // namespace
} // namespace llmhost::cpu::avx512

namespace llmhost::cpu {
void fill_avx512_kernels(KernelSet& set) {
  avx512::fill_x86(set);
  set.weight[static_cast<uint32_t>(TensorType::Q4_0)].dot = avx512::dot_decode_first<BlockQ4_0>;
  set.weight[static_cast<uint32_t>(TensorType::Q8_0)].dot = avx512::dot_decode_first<BlockQ8_0>;
}
} // namespace llmhost::cpu
