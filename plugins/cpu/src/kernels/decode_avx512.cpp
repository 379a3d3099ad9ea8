// Decode (few activation rows) kernels for Q4_0 and Q8_0 weights with AVX-512 VNNI + VBMI.
// Decode streams every weight once per token, so these keep the per-byte instruction count low
// enough to run at memory speed: the activation row is requantized once per op into a layout
// that matches the weight bytes after one byte permute (no per-block unpacking shuffles), with
// the block scales spread to the lanes that use them and the constant offsets of the unsigned
// tricks precomputed.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/kernels.hpp"

#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace llmhost::cpu {
namespace {

// How far ahead of the weight stream to prefetch: the stream crosses 4 KiB pages, where the
// hardware prefetcher stops, every few rows.
constexpr int64_t kPrefetchBytes = 1536;

inline void prefetch_ahead(const std::byte* p) {
  _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes), _MM_HINT_T0);
  _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes + 64), _MM_HINT_T0);
  _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes + 128), _MM_HINT_T0);
}

// Quantizes 32 floats exactly as quantize_act_q8_0 does (scale amax / 127 stored as F16).
float quantize32(const float* x, int8_t* q) {
  float amax = 0.0f;
  for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(x[i]));
  const float d = amax / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  for (int i = 0; i < 32; ++i) q[i] = static_cast<int8_t>(std::lround(x[i] * id));
  return f16_to_f32(f32_to_f16(d)); // the scale Q8_0 stores, so every path quantizes alike
}

// ---- Q4_0: groups of 4 blocks (128 elements, 72 weight bytes) ----
// Activation group: the low halves (elements 0..15) of the 4 blocks, then the high halves, as
// bytes; then per dpbusd lane (4 bytes of each half) -8 * the sum of its 8 activations, which
// turns dot(nibble, a) into dot(nibble - 8, a); then each block's scale spread over its 4 lanes.
struct Q4Group {
  int8_t lo[64];
  int8_t hi[64];
  int32_t offset[16];
  float d[16];
};
static_assert(sizeof(Q4Group) == 256);

size_t q4_act_bytes(int64_t k) { return k % 128 == 0 ? static_cast<size_t>(k / 128) * sizeof(Q4Group) : 0; }

void q4_prepare(const float* x, void* dst, int64_t k) {
  auto* g = static_cast<Q4Group*>(dst);
  for (int64_t gi = 0; gi < k / 128; ++gi) {
    Q4Group& o = g[gi];
    for (int b = 0; b < 4; ++b) {
      int8_t q[32];
      const float d = quantize32(x + 128 * gi + 32 * b, q);
      std::memcpy(o.lo + 16 * b, q, 16);
      std::memcpy(o.hi + 16 * b, q + 16, 16);
      for (int l = 0; l < 4; ++l) {
        int sum = 0;
        for (int t = 0; t < 4; ++t) sum += q[4 * l + t] + q[16 + 4 * l + t];
        o.offset[4 * b + l] = -8 * sum;
        o.d[4 * b + l] = d;
      }
    }
  }
}

struct Q4Consts {
  __m512i pick_qs, pick_d, low4;
  Q4Consts() {
    alignas(64) uint8_t qs[64];
    alignas(64) uint16_t d[32] = {};
    for (int i = 0; i < 4; ++i)
      for (int t = 0; t < 16; ++t) qs[16 * i + t] = static_cast<uint8_t>(18 * i + 2 + t);
    for (int j = 0; j < 16; ++j) d[j] = static_cast<uint16_t>(9 * (j / 4));
    pick_qs = _mm512_load_si512(qs);
    pick_d = _mm512_load_si512(d);
    low4 = _mm512_set1_epi8(0x0f);
  }
};

inline __m512 q4_group(const std::byte* w, const Q4Group& a, const Q4Consts& c, __m512 acc) {
  const __m512i head = _mm512_loadu_si512(w);
  const __m512i tail = _mm512_maskz_loadu_epi8(0xff, w + 64);
  const __m512i q = _mm512_permutex2var_epi8(head, c.pick_qs, tail);
  const __m512i lo = _mm512_and_si512(q, c.low4);
  const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(q, 4), c.low4);
  __m512i dot = _mm512_loadu_si512(a.offset);
  dot = _mm512_dpbusd_epi32(dot, lo, _mm512_loadu_si512(a.lo));
  dot = _mm512_dpbusd_epi32(dot, hi, _mm512_loadu_si512(a.hi));
  const __m512 dw = _mm512_cvtph_ps(_mm512_castsi512_si256(_mm512_permutexvar_epi16(c.pick_d, head)));
  return _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(dw, _mm512_loadu_ps(a.d)), acc);
}

// ---- Q8_0: groups of 2 blocks (64 elements, 68 weight bytes) ----
// Activation group: a + 128 as unsigned bytes (dpbusd needs one unsigned operand; the extra
// 128 * sum(w) is taken off with a second dpbusd), then each block's scale over its 8 lanes.
struct Q8Group {
  uint8_t u[64];
  float d[16];
};
static_assert(sizeof(Q8Group) == 128);

size_t q8_act_bytes(int64_t k) { return k % 64 == 0 ? static_cast<size_t>(k / 64) * sizeof(Q8Group) : 0; }

void q8_prepare(const float* x, void* dst, int64_t k) {
  auto* g = static_cast<Q8Group*>(dst);
  for (int64_t gi = 0; gi < k / 64; ++gi) {
    for (int b = 0; b < 2; ++b) {
      int8_t q[32];
      const float d = quantize32(x + 64 * gi + 32 * b, q);
      for (int i = 0; i < 32; ++i) g[gi].u[32 * b + i] = static_cast<uint8_t>(q[i] + 128);
      for (int l = 0; l < 8; ++l) g[gi].d[8 * b + l] = d;
    }
  }
}

struct Q8Consts {
  __m512i pick_d, bias;
  Q8Consts() {
    alignas(64) uint16_t d[32] = {};
    for (int j = 0; j < 16; ++j) d[j] = static_cast<uint16_t>(j < 8 ? 0 : 17);
    pick_d = _mm512_load_si512(d);
    bias = _mm512_set1_epi8(static_cast<char>(0x80));
  }
};

inline __m512 q8_group(const std::byte* w, const Q8Group& a, const Q8Consts& c, __m512 acc) {
  const __m512i head = _mm512_loadu_si512(w);
  const __m512i q = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 2))),
                                       _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 36)), 1);
  const __m512i zero = _mm512_setzero_si512();
  const __m512i biased = _mm512_dpbusd_epi32(zero, _mm512_loadu_si512(a.u), q);
  const __m512i dot = _mm512_sub_epi32(biased, _mm512_dpbusd_epi32(zero, c.bias, q));
  const __m512 dw = _mm512_cvtph_ps(_mm512_castsi512_si256(_mm512_permutexvar_epi16(c.pick_d, head)));
  return _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(dw, _mm512_loadu_ps(a.d)), acc);
}

// ---- shared by both types ----
// One weight row against one activation row, two groups at a time (two accumulators hide the
// FMA latency), prefetching the weight stream ahead of the loads.
template <typename Group, typename Consts, int kGroupBytes, __m512 (*kGroupDot)(const std::byte*, const Group&, const Consts&, __m512)>
float row_dot(int64_t groups, const std::byte* w, const Group* a, const Consts& c) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  int64_t g = 0;
  for (; g + 2 <= groups; g += 2) {
    prefetch_ahead(w + kGroupBytes * g);
    acc0 = kGroupDot(w + kGroupBytes * g, a[g], c, acc0);
    acc1 = kGroupDot(w + kGroupBytes * (g + 1), a[g + 1], c, acc1);
  }
  if (g < groups) acc0 = kGroupDot(w + kGroupBytes * g, a[g], c, acc0);
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

// The DecodeKernel::dot entry: one weight row against each of n_cols prepared activation rows.
template <typename Group, typename Consts, int kGroupElems, int kGroupBytes,
          __m512 (*kGroupDot)(const std::byte*, const Group&, const Consts&, __m512)>
void decode_rows(int64_t k, const void* w, const void* act, size_t act_stride, int n_cols, float* out,
                 size_t out_stride) {
  static const Consts consts;
  const auto* wb = static_cast<const std::byte*>(w);
  for (int c = 0; c < n_cols; ++c) {
    const auto* a = reinterpret_cast<const Group*>(static_cast<const std::byte*>(act) + c * act_stride);
    out[c * out_stride] = row_dot<Group, Consts, kGroupBytes, kGroupDot>(k / kGroupElems, wb, a, consts);
  }
}

} // namespace

void fill_avx512_decode(KernelSet& set) {
  if (!__builtin_cpu_supports("avx512vbmi")) return;
  auto& q4 = set.weight[static_cast<uint32_t>(TensorType::Q4_0)];
  q4.decode = DecodeKernel{decode_rows<Q4Group, Q4Consts, 128, 72, q4_group>, q4_prepare, q4_act_bytes};
  auto& q8 = set.weight[static_cast<uint32_t>(TensorType::Q8_0)];
  q8.decode = DecodeKernel{decode_rows<Q8Group, Q8Consts, 64, 68, q8_group>, q8_prepare, q8_act_bytes};
}

} // namespace llmhost::cpu
