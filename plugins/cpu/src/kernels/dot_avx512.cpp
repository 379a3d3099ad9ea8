// AVX-512 (F, BW, VL, VNNI) kernels: the AVX2 kernels with VNNI dot products (vpdpbusd) and the
// 32 vector registers AVX-512 gives, plus 512-bit decode kernels (one activation row) for the
// most common types that take two blocks per step. Chosen at run time by cpuid.
#include <immintrin.h>

#include <cmath>
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

// Weights of two consecutive blocks as 64 signed bytes. Broadcast loads, a blend and a
// per-lane shift avoid the shuffle port, which the scale handling already keeps busy.
inline __m512i two_blocks(const BlockQ4_0* w) {
  const __m512i first = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[0].qs)));
  const __m512i second = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[1].qs)));
  const __m512i both = _mm512_mask_blend_epi64(0xf0, first, second);             // [qs0 qs0 qs1 qs1]
  const __m512i shifts = _mm512_setr_epi64(0, 0, 4, 4, 0, 0, 4, 4);                  // low, high nibbles
  const __m512i nibbles = _mm512_and_si512(_mm512_srlv_epi64(both, shifts), _mm512_set1_epi8(0x0f));
  return _mm512_sub_epi8(nibbles, _mm512_set1_epi8(8));
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

// ---- packing for the prompt GEMM (see packed.hpp), SIMD-unpacked ----

struct PackedOut {
  int8_t* q;
  float* scale;
  float* offset;
};

PackedOut packed_view(std::byte* dst, int64_t k) {
  auto* scale = reinterpret_cast<float*>(dst + k);
  return {reinterpret_cast<int8_t*>(dst), scale, scale + k / 16};
}

inline void store256(int8_t* p, __m256i v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }

template <typename Block>
void pack_q32(const void* src, int64_t k, std::byte* dst) {
  const auto* b = static_cast<const Block*>(src);
  const PackedOut out = packed_view(dst, k);
  for (int64_t i = 0; i < k / 32; ++i) {
    float m = 0.0f;
    if constexpr (std::is_same_v<Block, llmhost::BlockQ4_1> || std::is_same_v<Block, llmhost::BlockQ5_1>) {
      store256(out.q + 32 * i, unsigned_weights(b[i]));
      m = half_to_float(b[i].m);
    } else {
      store256(out.q + 32 * i, signed_weights(b[i]));
    }
    out.scale[2 * i] = out.scale[2 * i + 1] = half_to_float(b[i].d);
    out.offset[2 * i] = out.offset[2 * i + 1] = m;
  }
}

template <typename Block>
void pack_q45k(const void* src, int64_t k, std::byte* dst) {
  constexpr bool kFive = std::is_same_v<Block, BlockQ5_K>;
  const auto* b = static_cast<const Block*>(src);
  const PackedOut out = packed_view(dst, k);
  const __m256i low4 = _mm256_set1_epi8(0x0f), one = _mm256_set1_epi8(1);
  for (int64_t i = 0; i < k / QK_K; ++i) {
    const Block& blk = b[i];
    [[maybe_unused]] __m256i hbits;
    if constexpr (kFive) hbits = load256(blk.qh);
    for (int p = 0; p < 4; ++p) {
      const __m256i q4 = load256(blk.qs + 32 * p);
      __m256i lo = _mm256_and_si256(q4, low4), hi = _mm256_and_si256(_mm256_srli_epi16(q4, 4), low4);
      if constexpr (kFive) {
        lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * p), one), 4));
        hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * p + 1), one), 4));
      }
      store256(out.q + QK_K * i + 64 * p, lo);
      store256(out.q + QK_K * i + 64 * p + 32, hi);
    }
    const float d = half_to_float(blk.d), dmin = half_to_float(blk.dmin);
    for (int j = 0; j < 8; ++j) {
      int sc, mn;
      llmhost::cpu::k4_scale_min(j, blk.scales, sc, mn);
      out.scale[16 * i + 2 * j] = out.scale[16 * i + 2 * j + 1] = d * static_cast<float>(sc);
      out.offset[16 * i + 2 * j] = out.offset[16 * i + 2 * j + 1] = 0.0f - dmin * static_cast<float>(mn);
    }
  }
}

void pack_q6k(const void* src, int64_t k, std::byte* dst) {
  const auto* b = static_cast<const BlockQ6_K*>(src);
  const PackedOut out = packed_view(dst, k);
  const __m256i low4 = _mm256_set1_epi8(0x0f), low2 = _mm256_set1_epi8(0x03), bias = _mm256_set1_epi8(32);
  for (int64_t i = 0; i < k / QK_K; ++i) {
    const BlockQ6_K& blk = b[i];
    for (int half = 0; half < 2; ++half) {
      const __m256i ql0 = load256(blk.ql + 64 * half), ql1 = load256(blk.ql + 64 * half + 32);
      const __m256i qh = load256(blk.qh + 32 * half);
      const __m256i q[4] = {
          _mm256_or_si256(_mm256_and_si256(ql0, low4), _mm256_slli_epi16(_mm256_and_si256(qh, low2), 4)),
          _mm256_or_si256(_mm256_and_si256(ql1, low4),
                          _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), low2), 4)),
          _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4),
                          _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), low2), 4)),
          _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                          _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), low2), 4)),
      };
      for (int t = 0; t < 4; ++t) store256(out.q + QK_K * i + 128 * half + 32 * t, _mm256_sub_epi8(q[t], bias));
    }
    const float d = half_to_float(blk.d);
    for (int g = 0; g < 16; ++g) {
      out.scale[16 * i + g] = d * static_cast<float>(blk.scales[g]);
      out.offset[16 * i + g] = 0.0f;
    }
  }
}

void pack_weight_simd(TensorType type, const void* src, int64_t k, std::byte* dst) {
  switch (type) {
    case TensorType::Q4_0: pack_q32<BlockQ4_0>(src, k, dst); break;
    case TensorType::Q4_1: pack_q32<BlockQ4_1>(src, k, dst); break;
    case TensorType::Q5_0: pack_q32<BlockQ5_0>(src, k, dst); break;
    case TensorType::Q5_1: pack_q32<BlockQ5_1>(src, k, dst); break;
    case TensorType::Q8_0: pack_q32<BlockQ8_0>(src, k, dst); break;
    case TensorType::Q4_K: pack_q45k<BlockQ4_K>(src, k, dst); break;
    case TensorType::Q5_K: pack_q45k<BlockQ5_K>(src, k, dst); break;
    case TensorType::Q6_K: pack_q6k(src, k, dst); break;
    default: pack_weight_row(type, src, k, dst); break;
  }
}

} // namespace
} // namespace llmhost::cpu::avx512

namespace llmhost::cpu {
void fill_avx512_kernels(KernelSet& set) {
  avx512::fill_x86(set);
  set.weight[static_cast<uint32_t>(TensorType::Q4_0)].dot = avx512::dot_decode_first<BlockQ4_0>;
  set.weight[static_cast<uint32_t>(TensorType::Q8_0)].dot = avx512::dot_decode_first<BlockQ8_0>;
  set.pack_weight = avx512::pack_weight_simd;
}
} // namespace llmhost::cpu
