// x86 SIMD dot kernels, included by dot_avx2.cpp and dot_avx512.cpp: each compiles this with its
// own target flags inside its own namespace. LLMHOST_X86_VNNI selects VNNI dot products
// (vpdpbusd) over the AVX2 maddubs + madd pair. One weight row is unpacked once per block and
// dotted with up to kMaxDotCols activation rows, so prompts reuse the unpacking work.
//
// Requires before inclusion: <immintrin.h>, kernels.hpp, block_decode.hpp.

namespace {

using llmhost::BlockQ4_0;
using llmhost::BlockQ4_1;
using llmhost::BlockQ4_K;
using llmhost::BlockQ5_0;
using llmhost::BlockQ5_1;
using llmhost::BlockQ5_K;
using llmhost::BlockQ6_K;
using llmhost::BlockQ8_0;
using llmhost::BlockQ8_K;
inline float half_to_float(uint16_t h) { return _cvtsh_ss(h); }
using llmhost::QK_K;

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Sum of products of unsigned bytes u (< 128 when added in pairs) and signed bytes s, per
// group of four adjacent bytes, as 8 int32 lanes.
inline __m256i dot_u8s8(__m256i u, __m256i s) {
#if defined(LLMHOST_X86_VNNI)
  return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
#else
  return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
#endif
}

// Same for two signed byte vectors (moves x's sign onto y).
inline __m256i dot_s8s8(__m256i x, __m256i y) {
  return dot_u8s8(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}

inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// 16 bytes of packed nibbles -> 32 bytes: low nibbles (elements 0..15), then high (16..31).
inline __m256i unpack_nibbles(const uint8_t* qs) {
  const __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
  const __m256i v = _mm256_set_m128i(_mm_srli_epi16(t, 4), t);
  return _mm256_and_si256(v, _mm256_set1_epi8(0x0f));
}

// 32 bits -> 32 bytes, 0xff where the bit is set.
inline __m256i bits_to_bytes(const uint8_t* p) {
  uint32_t x;
  std::memcpy(&x, p, 4);
  const __m256i shuffle = _mm256_setr_epi64x(0x0000000000000000, 0x0101010101010101,
                                             0x0202020202020202, 0x0303030303030303);
  const __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(x)), shuffle);
  const __m256i mask = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ULL));
  return _mm256_cmpeq_epi8(_mm256_and_si256(v, mask), mask);
}

// Software prefetch of the weight stream `bytes` bytes (rounded up to lines) from p, 1.5 KiB
// ahead: decode reads each weight once, and the hardware prefetcher stops at 4 KiB pages.
template <int Bytes>
inline void prefetch_weights(const void* p) {
  const char* ahead = static_cast<const char*>(p) + 1536;
  _Pragma("GCC unroll 4")
  for (int off = 0; off < Bytes; off += 64) _mm_prefetch(ahead + off, _MM_HINT_T0);
}

const std::byte* column(const void* act, size_t stride, int c) {
  return static_cast<const std::byte*>(act) + static_cast<size_t>(c) * stride;
}

// ---- 32-element block types against Q8_0 activations ----

// Signed weights (q4_0, q5_0, q8_0): value = d * q.
template <typename Block> __m256i signed_weights(const Block& b);
template <> inline __m256i signed_weights(const BlockQ4_0& b) {
  return _mm256_sub_epi8(unpack_nibbles(b.qs), _mm256_set1_epi8(8));
}
template <> inline __m256i signed_weights(const BlockQ5_0& b) {
  const __m256i high = _mm256_andnot_si256(bits_to_bytes(b.qh), _mm256_set1_epi8(static_cast<char>(0xf0)));
  return _mm256_or_si256(unpack_nibbles(b.qs), high); // nibble - 16 unless the 5th bit is set
}
template <> inline __m256i signed_weights(const BlockQ8_0& b) { return load256(b.qs); }

template <typename Block, int NC>
void dot_signed32(int64_t k, const void* w, const void* act, size_t act_stride, float* out, size_t out_stride) {
  const auto* wb = static_cast<const Block*>(w);
  const BlockQ8_0* a[NC];
  __m256 acc[NC];
  _Pragma("GCC unroll 4")
  for (int c = 0; c < NC; ++c) {
    a[c] = reinterpret_cast<const BlockQ8_0*>(column(act, act_stride, c));
    acc[c] = _mm256_setzero_ps();
  }
  for (int64_t b = 0; b < k / 32; ++b) {
    prefetch_weights<sizeof(Block)>(wb + b);
    const __m256i q = signed_weights(wb[b]);
    const __m256i aq = _mm256_sign_epi8(q, q);
    const float dw = half_to_float(wb[b].d);
    _Pragma("GCC unroll 4")
    for (int c = 0; c < NC; ++c) {
      const __m256i p = dot_u8s8(aq, _mm256_sign_epi8(load256(a[c][b].qs), q));
      const __m256 d = _mm256_set1_ps(dw * half_to_float(a[c][b].d));
      acc[c] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc[c]);
    }
  }
  _Pragma("GCC unroll 4")
  for (int c = 0; c < NC; ++c) out[c * out_stride] = hsum(acc[c]);
}

// Unsigned weights with a minimum (q4_1, q5_1): value = d * q + m.
template <typename Block> __m256i unsigned_weights(const Block& b);
template <> inline __m256i unsigned_weights(const BlockQ4_1& b) { return unpack_nibbles(b.qs); }
template <> inline __m256i unsigned_weights(const BlockQ5_1& b) {
  const __m256i high = _mm256_and_si256(bits_to_bytes(b.qh), _mm256_set1_epi8(0x10));
  return _mm256_or_si256(unpack_nibbles(b.qs), high);
}

template <typename Block, int NC>
void dot_unsigned32(int64_t k, const void* w, const void* act, size_t act_stride, float* out, size_t out_stride) {
  const auto* wb = static_cast<const Block*>(w);
  const BlockQ8_0* a[NC];
  __m256 acc[NC], acc_min[NC];
  _Pragma("GCC unroll 4")
  for (int c = 0; c < NC; ++c) {
    a[c] = reinterpret_cast<const BlockQ8_0*>(column(act, act_stride, c));
    acc[c] = acc_min[c] = _mm256_setzero_ps();
  }
  const __m256i ones = _mm256_set1_epi8(1);
  for (int64_t b = 0; b < k / 32; ++b) {
    prefetch_weights<sizeof(Block)>(wb + b);
    const __m256i q = unsigned_weights(wb[b]);
    const float dw = half_to_float(wb[b].d), mw = half_to_float(wb[b].m);
    _Pragma("GCC unroll 4")
    for (int c = 0; c < NC; ++c) {
      const __m256i aq = load256(a[c][b].qs);
      const float da = half_to_float(a[c][b].d);
      acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(dw * da), _mm256_cvtepi32_ps(dot_u8s8(q, aq)), acc[c]);
      acc_min[c] = _mm256_fmadd_ps(_mm256_set1_ps(mw * da), _mm256_cvtepi32_ps(dot_u8s8(ones, aq)), acc_min[c]);
    }
  }
  _Pragma("GCC unroll 4")
  for (int c = 0; c < NC; ++c) out[c * out_stride] = hsum(_mm256_add_ps(acc[c], acc_min[c]));
}

// ---- K-quants against Q8_K activations ----

// Unpacks the eight 6-bit (scale, min) pairs of a Q4_K / Q5_K block.
inline void k4_scales(const uint8_t* s, int16_t* sc, int* mn) {
  for (int j = 0; j < 8; ++j) {
    int scale, min;
    llmhost::cpu::k4_scale_min(j, s, scale, min);
    sc[j] = static_cast<int16_t>(scale);
    mn[j] = min;
  }
}

inline int k4_min_sum(const int* mn, const int16_t* bsums) {
  int s = 0;
  for (int j = 0; j < 8; ++j) s += mn[j] * (bsums[2 * j] + bsums[2 * j + 1]);
  return s;
}

template <typename Block, int NC>
void dot_q45k(int64_t k, const void* w, const void* act, size_t act_stride, float* out, size_t out_stride) {
  constexpr bool kFive = std::is_same_v<Block, BlockQ5_K>;
  const auto* wb = static_cast<const Block*>(w);
  const BlockQ8_K* a[NC];
  __m256 acc[NC];
  float acc_min[NC];
  _Pragma("GCC unroll 4")
  for (int c = 0; c < NC; ++c) {
    a[c] = reinterpret_cast<const BlockQ8_K*>(column(act, act_stride, c));
    acc[c] = _mm256_setzero_ps();
    acc_min[c] = 0;
  }
  const __m256i low4 = _mm256_set1_epi8(0x0f);
  for (int64_t b = 0; b < k / QK_K; ++b) {
    const Block& blk = wb[b];
    prefetch_weights<sizeof(Block)>(&blk);
    int16_t sc[8];
    int mn[8];
    k4_scales(blk.scales, sc, mn);
    __m256i sumi[NC];
    _Pragma("GCC unroll 4")
    for (int c = 0; c < NC; ++c) sumi[c] = _mm256_setzero_si256();
    [[maybe_unused]] __m256i hbits;
    if constexpr (kFive) hbits = load256(reinterpret_cast<const BlockQ5_K&>(blk).qh);
    for (int p = 0; p < 4; ++p) {
      const __m256i q4 = load256(blk.qs + 32 * p);
      __m256i lo = _mm256_and_si256(q4, low4);
      __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q4, 4), low4);
      if constexpr (kFive) {
        const __m256i one = _mm256_set1_epi8(1);
        lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * p), one), 4));
        hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * p + 1), one), 4));
      }
      const __m256i sc_lo = _mm256_set1_epi16(sc[2 * p]), sc_hi = _mm256_set1_epi16(sc[2 * p + 1]);
      _Pragma("GCC unroll 4")
      for (int c = 0; c < NC; ++c) {
        const __m256i p_lo = _mm256_madd_epi16(_mm256_maddubs_epi16(lo, load256(a[c][b].qs + 64 * p)), sc_lo);
        const __m256i p_hi = _mm256_madd_epi16(_mm256_maddubs_epi16(hi, load256(a[c][b].qs + 64 * p + 32)), sc_hi);
        sumi[c] = _mm256_add_epi32(sumi[c], _mm256_add_epi32(p_lo, p_hi));
      }
    }
    const float dw = half_to_float(blk.d), dmin = half_to_float(blk.dmin);
    _Pragma("GCC unroll 4")
    for (int c = 0; c < NC; ++c) {
      const float da = a[c][b].d;
      acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(dw * da), _mm256_cvtepi32_ps(sumi[c]), acc[c]);
      acc_min[c] += dmin * da * static_cast<float>(k4_min_sum(mn, a[c][b].bsums));
    }
  }
  _Pragma("GCC unroll 4")
  for (int c = 0; c < NC; ++c) out[c * out_stride] = hsum(acc[c]) - acc_min[c];
}

template <int NC>
void dot_q6k(int64_t k, const void* w, const void* act, size_t act_stride, float* out, size_t out_stride) {
  const auto* wb = static_cast<const BlockQ6_K*>(w);
  const BlockQ8_K* a[NC];
  __m256 acc[NC];
  _Pragma("GCC unroll 4")
  for (int c = 0; c < NC; ++c) {
    a[c] = reinterpret_cast<const BlockQ8_K*>(column(act, act_stride, c));
    acc[c] = _mm256_setzero_ps();
  }
  const __m256i low4 = _mm256_set1_epi8(0x0f), low2 = _mm256_set1_epi8(0x03);
  for (int64_t b = 0; b < k / QK_K; ++b) {
    const BlockQ6_K& blk = wb[b];
    prefetch_weights<sizeof(BlockQ6_K)>(&blk);
    __m256i sumi[NC];
    _Pragma("GCC unroll 4")
    for (int c = 0; c < NC; ++c) sumi[c] = _mm256_setzero_si256();
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
      for (int t = 0; t < 4; ++t) {
        const int s = 4 * half + t;
        const __m256i scale = _mm256_set_m128i(_mm_set1_epi16(blk.scales[2 * s + 1]), _mm_set1_epi16(blk.scales[2 * s]));
        _Pragma("GCC unroll 4")
        for (int c = 0; c < NC; ++c) {
          const __m256i prod = _mm256_maddubs_epi16(q[t], load256(a[c][b].qs + 32 * s));
          sumi[c] = _mm256_add_epi32(sumi[c], _mm256_madd_epi16(prod, scale));
        }
      }
    }
    const float dw = half_to_float(blk.d);
    _Pragma("GCC unroll 4")
    for (int c = 0; c < NC; ++c) {
      int bias = 0; // the -32 offset of every weight, applied through the 16-element sums
      for (int g = 0; g < 16; ++g) bias += blk.scales[g] * a[c][b].bsums[g];
      const __m256i total = _mm256_sub_epi32(sumi[c], _mm256_setr_epi32(32 * bias, 0, 0, 0, 0, 0, 0, 0));
      acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(dw * a[c][b].d), _mm256_cvtepi32_ps(total), acc[c]);
    }
  }
  _Pragma("GCC unroll 4")
  for (int c = 0; c < NC; ++c) out[c * out_stride] = hsum(acc[c]);
}

// ---- float weights against F32 activations ----

inline __m256 load8_f32(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load8_f16(const uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
inline __m256 load8_bf16(const uint16_t* p) {
  const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
}
inline float f32_of(float v) { return v; }

template <typename Elem, __m256 (*Load)(const Elem*), float (*Scalar)(Elem), int NC>
void dot_float(int64_t k, const void* w, const void* act, size_t act_stride, float* out, size_t out_stride) {
  const auto* wr = static_cast<const Elem*>(w);
  const float* a[NC];
  __m256 acc[NC];
  _Pragma("GCC unroll 4")
  for (int c = 0; c < NC; ++c) {
    a[c] = reinterpret_cast<const float*>(column(act, act_stride, c));
    acc[c] = _mm256_setzero_ps();
  }
  int64_t i = 0;
  for (; i + 8 <= k; i += 8) {
    const __m256 wv = Load(wr + i);
    _Pragma("GCC unroll 4")
    for (int c = 0; c < NC; ++c) acc[c] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(a[c] + i), acc[c]);
  }
  _Pragma("GCC unroll 4")
  for (int c = 0; c < NC; ++c) {
    float s = hsum(acc[c]);
    for (int64_t j = i; j < k; ++j) s += Scalar(wr[j]) * a[c][j];
    out[c * out_stride] = s;
  }
}

inline float scalar_f16(uint16_t v) { return half_to_float(v); }
inline float scalar_bf16(uint16_t v) { return llmhost::bf16_to_f32(v); }

// ---- attention helpers ----

template <__m256 (*Load)(const uint16_t*)>
float dot_half(const float* q, const uint16_t* k, int64_t n) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), Load(k + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), Load(k + i + 8), acc1);
  }
  float s = hsum(_mm256_add_ps(acc0, acc1));
  for (; i < n; ++i) s += q[i] * half_to_float(k[i]);
  return s;
}

float dot_f32_f32(const float* q, const float* k, int64_t n) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(k + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), _mm256_loadu_ps(k + i + 8), acc1);
  }
  float s = hsum(_mm256_add_ps(acc0, acc1));
  for (; i < n; ++i) s += q[i] * k[i];
  return s;
}

void scale_add_f32(float* acc, float keep, float weight, const float* v, int64_t n) {
  const __m256 kv = _mm256_set1_ps(keep), wv = _mm256_set1_ps(weight);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(wv, _mm256_loadu_ps(v + i), _mm256_mul_ps(kv, _mm256_loadu_ps(acc + i))));
  for (; i < n; ++i) acc[i] = acc[i] * keep + weight * v[i];
}

void scale_add_f16(float* acc, float keep, float weight, const uint16_t* v, int64_t n) {
  const __m256 kv = _mm256_set1_ps(keep), wv = _mm256_set1_ps(weight);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(wv, load8_f16(v + i), _mm256_mul_ps(kv, _mm256_loadu_ps(acc + i))));
  for (; i < n; ++i) acc[i] = acc[i] * keep + weight * half_to_float(v[i]);
}

// exp(x): Cody-Waite range reduction and Cephes' expf polynomial, about 1 ulp; x is clamped
// to [-87, 88] (below gives ~0, above ~FLT_MAX / 2).
inline __m256 exp_ps(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

float exp_shifted(float* s, int64_t n, float max) {
  const __m256 m = _mm256_set1_ps(max);
  __m256 sum = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 e = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(s + i), m));
    _mm256_storeu_ps(s + i, e);
    sum = _mm256_add_ps(sum, e);
  }
  float total = hsum(sum);
  for (; i < n; ++i) total += (s[i] = std::exp(s[i] - max));
  return total;
}

void silu_mul(const float* g, const float* u, float* out, int64_t n) {
  const __m256 one = _mm256_set1_ps(1.0f);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 x = _mm256_loadu_ps(g + i);
    __m256 y = _mm256_div_ps(x, _mm256_add_ps(one, exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), x))));
    if (u) y = _mm256_mul_ps(y, _mm256_loadu_ps(u + i));
    _mm256_storeu_ps(out + i, y);
  }
  for (; i < n; ++i) out[i] = g[i] / (1.0f + std::exp(-g[i])) * (u ? u[i] : 1.0f);
}

// Turns a kernel templated on the column count into a DotFn.
template <template <int> class K>
void dispatch_cols(int64_t k, const void* w, const void* act, size_t act_stride, int n_cols, float* out,
                   size_t out_stride) {
  switch (n_cols) {
    case 1: K<1>::run(k, w, act, act_stride, out, out_stride); break;
    case 2: K<2>::run(k, w, act, act_stride, out, out_stride); break;
    case 3: K<3>::run(k, w, act, act_stride, out, out_stride); break;
    default: K<4>::run(k, w, act, act_stride, out, out_stride); break;
  }
}

template <typename B> struct Signed32 { template <int NC> struct K { static constexpr auto run = dot_signed32<B, NC>; }; };
template <typename B> struct Unsigned32 { template <int NC> struct K { static constexpr auto run = dot_unsigned32<B, NC>; }; };
template <typename B> struct Q45K { template <int NC> struct K { static constexpr auto run = dot_q45k<B, NC>; }; };
template <int NC> struct Q6K { static constexpr auto run = dot_q6k<NC>; };
template <int NC> struct F32K { static constexpr auto run = dot_float<float, load8_f32, f32_of, NC>; };
template <int NC> struct F16K { static constexpr auto run = dot_float<uint16_t, load8_f16, scalar_f16, NC>; };
template <int NC> struct BF16K { static constexpr auto run = dot_float<uint16_t, load8_bf16, scalar_bf16, NC>; };

void fill_x86(llmhost::cpu::KernelSet& s) {
  using llmhost::TensorType;
  s.dot_f32 = dot_f32_f32;
  s.dot_f16 = dot_half<load8_f16>;
  s.scale_add_f32 = scale_add_f32;
  s.scale_add_f16 = scale_add_f16;
  s.exp_shifted = exp_shifted;
  s.silu_mul = silu_mul;
  auto set = [&](TensorType t, llmhost::cpu::DotFn fn, TensorType act) {
    s.weight[static_cast<uint32_t>(t)] = llmhost::cpu::WeightKernel{fn, act};
  };
  set(TensorType::F32, dispatch_cols<F32K>, TensorType::F32);
  set(TensorType::F16, dispatch_cols<F16K>, TensorType::F32);
  set(TensorType::BF16, dispatch_cols<BF16K>, TensorType::F32);
  set(TensorType::Q4_0, dispatch_cols<Signed32<BlockQ4_0>::K>, TensorType::Q8_0);
  set(TensorType::Q5_0, dispatch_cols<Signed32<BlockQ5_0>::K>, TensorType::Q8_0);
  set(TensorType::Q8_0, dispatch_cols<Signed32<BlockQ8_0>::K>, TensorType::Q8_0);
  set(TensorType::Q4_1, dispatch_cols<Unsigned32<BlockQ4_1>::K>, TensorType::Q8_0);
  set(TensorType::Q5_1, dispatch_cols<Unsigned32<BlockQ5_1>::K>, TensorType::Q8_0);
  set(TensorType::Q4_K, dispatch_cols<Q45K<BlockQ4_K>::K>, TensorType::Q8_K);
  set(TensorType::Q5_K, dispatch_cols<Q45K<BlockQ5_K>::K>, TensorType::Q8_K);
  set(TensorType::Q6_K, dispatch_cols<Q6K>, TensorType::Q8_K);
}

} // namespace
