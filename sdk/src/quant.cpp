// Reference scalar quantizers and dequantizers. Block layouts and dequantization follow ggml
// exactly; the quantizers round to nearest and (for K-quants) search sub-block scales by a small
// weighted least-squares sweep, so they are close to, but not bit-identical with, ggml's.
#include "llmhost/quant.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>

namespace llmhost {
namespace {

// Round to nearest even via the float mantissa (valid for |x| < 2^22); much faster than lrintf
// in the K-quant scale search, which rounds every element for every candidate scale.
int nearest_int(float x) {
  const float shifted = std::clamp(x, -4.0e6f, 4.0e6f) + 12582912.0f; // 1.5 * 2^23: the integer lands in the low mantissa bits
  int32_t bits;
  std::memcpy(&bits, &shifted, 4);
  return (bits & 0x007fffff) - 0x00400000;
}

// ggml's legacy quantizers truncate (x + offset); the fmin/fmax keep NaN and overflow defined.
int truncate_in(float x, float hi) { return static_cast<int>(std::fmin(std::fmax(x, 0.0f), hi)); }

// Largest-magnitude element, keeping its sign (ggml's symmetric quantizers scale by it).
float signed_absmax(const float* x, int n) {
  float amax = 0.0f, max = 0.0f;
  for (int i = 0; i < n; ++i) {
    if (std::fabs(x[i]) > amax) {
      amax = std::fabs(x[i]);
      max = x[i];
    }
  }
  return max;
}

// ---------------------------------------------------------------- 32-element block types

void dequant_q4_0(const BlockQ4_0* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += QK4_0) {
    const float d = f16_to_f32(b[i].d);
    for (int j = 0; j < QK4_0 / 2; ++j) {
      y[j] = static_cast<float>((b[i].qs[j] & 0x0F) - 8) * d;
      y[j + QK4_0 / 2] = static_cast<float>((b[i].qs[j] >> 4) - 8) * d;
    }
  }
}

void quant_q4_0(const float* x, BlockQ4_0* b, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, x += QK4_0) {
    const float max = signed_absmax(x, QK4_0);
    const float d = max / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b[i].d = f32_to_f16(d);
    for (int j = 0; j < QK4_0 / 2; ++j) {
      const int q0 = truncate_in(x[j] * id + 8.5f, 15.0f);
      const int q1 = truncate_in(x[j + QK4_0 / 2] * id + 8.5f, 15.0f);
      b[i].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
    }
  }
}

void dequant_q4_1(const BlockQ4_1* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += QK4_1) {
    const float d = f16_to_f32(b[i].d), m = f16_to_f32(b[i].m);
    for (int j = 0; j < QK4_1 / 2; ++j) {
      y[j] = static_cast<float>(b[i].qs[j] & 0x0F) * d + m;
      y[j + QK4_1 / 2] = static_cast<float>(b[i].qs[j] >> 4) * d + m;
    }
  }
}

void quant_q4_1(const float* x, BlockQ4_1* b, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, x += QK4_1) {
    const auto [mn, mx] = std::minmax_element(x, x + QK4_1);
    const float d = (*mx - *mn) / 15.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b[i].d = f32_to_f16(d);
    b[i].m = f32_to_f16(*mn);
    for (int j = 0; j < QK4_1 / 2; ++j) {
      const int q0 = truncate_in((x[j] - *mn) * id + 0.5f, 15.0f);
      const int q1 = truncate_in((x[j + QK4_1 / 2] - *mn) * id + 0.5f, 15.0f);
      b[i].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
    }
  }
}

// Q5: the fifth bit of element j sits in bit j of qh (elements 0..15 low nibbles, 16..31 high).
int q5_value(const uint8_t* qs, uint32_t qh, int j) {
  const int low = j < 16 ? (qs[j] & 0x0F) : (qs[j - 16] >> 4);
  return low | static_cast<int>(((qh >> j) & 1u) << 4);
}

void pack_q5(const int* q, uint8_t* qs, uint8_t* qh_bytes) {
  uint32_t qh = 0;
  for (int j = 0; j < 16; ++j) {
    qs[j] = static_cast<uint8_t>((q[j] & 0x0F) | ((q[j + 16] & 0x0F) << 4));
    qh |= static_cast<uint32_t>((q[j] >> 4) & 1) << j;
    qh |= static_cast<uint32_t>((q[j + 16] >> 4) & 1) << (j + 16);
  }
  std::memcpy(qh_bytes, &qh, 4);
}

void dequant_q5_0(const BlockQ5_0* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += QK5_0) {
    const float d = f16_to_f32(b[i].d);
    uint32_t qh;
    std::memcpy(&qh, b[i].qh, 4);
    for (int j = 0; j < QK5_0; ++j) y[j] = static_cast<float>(q5_value(b[i].qs, qh, j) - 16) * d;
  }
}

void quant_q5_0(const float* x, BlockQ5_0* b, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, x += QK5_0) {
    const float max = signed_absmax(x, QK5_0);
    const float d = max / -16.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b[i].d = f32_to_f16(d);
    int q[QK5_0];
    for (int j = 0; j < QK5_0; ++j) q[j] = truncate_in(x[j] * id + 16.5f, 31.0f);
    pack_q5(q, b[i].qs, b[i].qh);
  }
}

void dequant_q5_1(const BlockQ5_1* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += QK5_1) {
    const float d = f16_to_f32(b[i].d), m = f16_to_f32(b[i].m);
    uint32_t qh;
    std::memcpy(&qh, b[i].qh, 4);
    for (int j = 0; j < QK5_1; ++j) y[j] = static_cast<float>(q5_value(b[i].qs, qh, j)) * d + m;
  }
}

void quant_q5_1(const float* x, BlockQ5_1* b, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, x += QK5_1) {
    const auto [mn, mx] = std::minmax_element(x, x + QK5_1);
    const float d = (*mx - *mn) / 31.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b[i].d = f32_to_f16(d);
    b[i].m = f32_to_f16(*mn);
    int q[QK5_1];
    for (int j = 0; j < QK5_1; ++j) q[j] = truncate_in((x[j] - *mn) * id + 0.5f, 31.0f);
    pack_q5(q, b[i].qs, b[i].qh);
  }
}

template <typename Block>
void dequant_q8(const Block* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += 32) {
    const float d = f16_to_f32(b[i].d);
    for (int j = 0; j < 32; ++j) y[j] = static_cast<float>(b[i].qs[j]) * d;
  }
}

// Fills d and qs of a Q8_0/Q8_1 block (roundf: half away from zero, as ggml); returns the
// sum of the quants and the unrounded scale.
template <typename Block>
int quant_q8_block(const float* x, Block& b, float& d_out) {
  float amax = 0.0f;
  for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
  const float d = amax / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  b.d = f32_to_f16(d);
  int sum = 0;
  for (int j = 0; j < 32; ++j) {
    b.qs[j] = static_cast<int8_t>(std::fmin(std::fmax(std::round(x[j] * id), -127.0f), 127.0f));
    sum += b.qs[j];
  }
  d_out = d;
  return sum;
}

void quant_q8_0(const float* x, BlockQ8_0* b, int64_t nb) {
  float d;
  for (int64_t i = 0; i < nb; ++i, x += QK8_0) quant_q8_block(x, b[i], d);
}

void quant_q8_1(const float* x, BlockQ8_1* b, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, x += QK8_1) {
    float d;
    const int sum = quant_q8_block(x, b[i], d);
    b[i].s = f32_to_f16(d * static_cast<float>(sum)); // s = d * sum(qs)
  }
}

// ---------------------------------------------------------------- K-quants (256 elements)

// Sub-block j's 6-bit scale and min from the 12 packed bytes (ggml's get_scale_min_k4).
void scale_min_k4(int j, const uint8_t* q, int& sc, int& m) {
  if (j < 4) {
    sc = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    sc = (q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4);
    m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

void pack_scale_min_k4(const int* ls, const int* lm, uint8_t* q) {
  std::memset(q, 0, K_SCALE_SIZE);
  for (int j = 0; j < 8; ++j) {
    if (j < 4) {
      q[j] = static_cast<uint8_t>(ls[j]);
      q[j + 4] = static_cast<uint8_t>(lm[j]);
    } else {
      q[j + 4] = static_cast<uint8_t>((ls[j] & 0x0F) | ((lm[j] & 0x0F) << 4));
      q[j - 4] |= static_cast<uint8_t>((ls[j] >> 4) << 6);
      q[j] |= static_cast<uint8_t>((lm[j] >> 4) << 6);
    }
  }
}

// Fits x ~= scale * L - min_out with L in [0, nmax] (min_out >= 0), minimising the weighted
// squared error over a sweep of candidate scales, each refined by least squares.
float fit_scale_min(const float* x, const float* w, int n, int nmax, float& min_out) {
  float mn = std::min(0.0f, *std::min_element(x, x + n));
  const float mx = *std::max_element(x, x + n);
  if (mx <= mn) {
    min_out = -mn;
    return 0.0f;
  }
  float best_scale = (mx - mn) / static_cast<float>(nmax), best_min = mn;
  float best_err = INFINITY;
  float sw = 0, sx = 0, sx2 = 0;
  for (int i = 0; i < n; ++i) {
    sw += w[i];
    sx += w[i] * x[i];
    sx2 += w[i] * x[i] * x[i];
  }
  for (int step = -3; step <= 12; ++step) {
    const float iscale = (static_cast<float>(nmax) + 0.1f * static_cast<float>(step)) / (mx - mn);
    float sl = 0, sl2 = 0, sxl = 0;
    for (int i = 0; i < n; ++i) {
      const auto l = static_cast<float>(std::clamp(nearest_int(iscale * (x[i] - mn)), 0, nmax));
      sl += w[i] * l;
      sl2 += w[i] * l * l;
      sxl += w[i] * x[i] * l;
    }
    const float det = sw * sl2 - sl * sl;
    if (det <= 0.0f) continue;
    float scale = (sw * sxl - sx * sl) / det;
    float off = (sl2 * sx - sl * sxl) / det;
    if (off > 0.0f) { // the offset must be a subtracted (non-negative) min
      off = 0.0f;
      scale = sl2 > 0.0f ? sxl / sl2 : 0.0f;
    }
    // Weighted squared error of x ~= scale * L + off, expanded over the sums above.
    const float err = scale * scale * sl2 + 2 * scale * off * sl + off * off * sw -
                      2 * scale * sxl - 2 * off * sx + sx2;
    if (err < best_err) {
      best_err = err;
      best_scale = scale;
      best_min = off;
    }
  }
  min_out = -best_min;
  return best_scale;
}

// Shared by Q4_K (nmax 15) and Q5_K (nmax 31): per 32-element sub-block scale/min, 6-bit packed.
void quant_k_scales(const float* x, int nmax, uint16_t& d_out, uint16_t& dmin_out,
                    uint8_t* scales, int* L) {
  float sub_scale[8], sub_min[8], w[32];
  float max_scale = 0.0f, max_min = 0.0f;
  for (int j = 0; j < 8; ++j) {
    const float* xs = x + 32 * j;
    float sum_x2 = 0.0f;
    for (int l = 0; l < 32; ++l) sum_x2 += xs[l] * xs[l];
    const float av_x = std::sqrt(sum_x2 / 32.0f);
    for (int l = 0; l < 32; ++l) w[l] = av_x + std::fabs(xs[l]);
    sub_scale[j] = fit_scale_min(xs, w, 32, nmax, sub_min[j]);
    max_scale = std::max(max_scale, sub_scale[j]);
    max_min = std::max(max_min, sub_min[j]);
  }
  const float inv_scale = max_scale > 0.0f ? 63.0f / max_scale : 0.0f;
  const float inv_min = max_min > 0.0f ? 63.0f / max_min : 0.0f;
  int ls[8], lm[8];
  for (int j = 0; j < 8; ++j) {
    ls[j] = std::clamp(nearest_int(inv_scale * sub_scale[j]), 0, 63);
    lm[j] = std::clamp(nearest_int(inv_min * sub_min[j]), 0, 63);
  }
  pack_scale_min_k4(ls, lm, scales);
  d_out = f32_to_f16(max_scale / 63.0f);
  dmin_out = f32_to_f16(max_min / 63.0f);
  // Requantize against the scales as they will be read back (6-bit, f16 super-scales).
  const float d = f16_to_f32(d_out), dmin = f16_to_f32(dmin_out);
  for (int j = 0; j < 8; ++j) {
    int sc, m;
    scale_min_k4(j, scales, sc, m);
    const float ds = d * static_cast<float>(sc);
    const float dm = dmin * static_cast<float>(m);
    for (int l = 0; l < 32; ++l)
      L[32 * j + l] = ds != 0.0f ? std::clamp(nearest_int((x[32 * j + l] + dm) / ds), 0, nmax) : 0;
  }
}

void dequant_q4_k(const BlockQ4_K* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d), dmin = f16_to_f32(b[i].dmin);
    const uint8_t* q = b[i].qs;
    for (int j = 0, is = 0; j < QK_K; j += 64, q += 32, is += 2) {
      int sc, m;
      scale_min_k4(is, b[i].scales, sc, m);
      const float d1 = d * static_cast<float>(sc), m1 = dmin * static_cast<float>(m);
      scale_min_k4(is + 1, b[i].scales, sc, m);
      const float d2 = d * static_cast<float>(sc), m2 = dmin * static_cast<float>(m);
      for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>(q[l] & 0x0F) - m1;
      for (int l = 0; l < 32; ++l) *y++ = d2 * static_cast<float>(q[l] >> 4) - m2;
    }
  }
}

void quant_q4_k(const float* x, BlockQ4_K* b, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, x += QK_K) {
    int L[QK_K];
    quant_k_scales(x, 15, b[i].d, b[i].dmin, b[i].scales, L);
    uint8_t* q = b[i].qs;
    for (int j = 0; j < QK_K; j += 64, q += 32)
      for (int l = 0; l < 32; ++l) q[l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 4));
  }
}

void dequant_q5_k(const BlockQ5_K* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d), dmin = f16_to_f32(b[i].dmin);
    const uint8_t* ql = b[i].qs;
    const uint8_t* qh = b[i].qh;
    uint8_t u1 = 1, u2 = 2;
    for (int j = 0, is = 0; j < QK_K; j += 64, ql += 32, is += 2) {
      int sc, m;
      scale_min_k4(is, b[i].scales, sc, m);
      const float d1 = d * static_cast<float>(sc), m1 = dmin * static_cast<float>(m);
      scale_min_k4(is + 1, b[i].scales, sc, m);
      const float d2 = d * static_cast<float>(sc), m2 = dmin * static_cast<float>(m);
      for (int l = 0; l < 32; ++l)
        *y++ = d1 * static_cast<float>((ql[l] & 0x0F) + (qh[l] & u1 ? 16 : 0)) - m1;
      for (int l = 0; l < 32; ++l)
        *y++ = d2 * static_cast<float>((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
      u1 = static_cast<uint8_t>(u1 << 2);
      u2 = static_cast<uint8_t>(u2 << 2);
    }
  }
}

void quant_q5_k(const float* x, BlockQ5_K* b, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, x += QK_K) {
    int L[QK_K];
    quant_k_scales(x, 31, b[i].d, b[i].dmin, b[i].scales, L);
    std::memset(b[i].qh, 0, sizeof(b[i].qh));
    uint8_t* ql = b[i].qs;
    uint8_t m1 = 1, m2 = 2;
    for (int n = 0; n < QK_K; n += 64, ql += 32) {
      for (int j = 0; j < 32; ++j) {
        int l1 = L[n + j], l2 = L[n + j + 32];
        if (l1 > 15) { l1 -= 16; b[i].qh[j] |= m1; }
        if (l2 > 15) { l2 -= 16; b[i].qh[j] |= m2; }
        ql[j] = static_cast<uint8_t>(l1 | (l2 << 4));
      }
      m1 = static_cast<uint8_t>(m1 << 2);
      m2 = static_cast<uint8_t>(m2 << 2);
    }
  }
}

void dequant_q6_k(const BlockQ6_K* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d);
    const uint8_t* ql = b[i].ql;
    const uint8_t* qh = b[i].qh;
    const int8_t* sc = b[i].scales;
    for (int n = 0; n < QK_K; n += 128, y += 128, ql += 64, qh += 32, sc += 8) {
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l] = d * static_cast<float>(sc[is] * q1);
        y[l + 32] = d * static_cast<float>(sc[is + 2] * q2);
        y[l + 64] = d * static_cast<float>(sc[is + 4] * q3);
        y[l + 96] = d * static_cast<float>(sc[is + 6] * q4);
      }
    }
  }
}

// Symmetric fit x ~= scale * L, L in [-nmax, nmax-1], weights x^2; returns the scale.
float fit_scale_symmetric(const float* x, int n, int nmax) {
  const float max = signed_absmax(x, n);
  if (std::fabs(max) < 1e-30f) return 0.0f;
  float best_scale = 0.0f, best_num = 0.0f, best_den = 1.0f;
  bool have = false;
  for (int step = -9; step <= 9; ++step) {
    const float iscale = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(step)) / max;
    float sumlx = 0.0f, suml2 = 0.0f;
    for (int i = 0; i < n; ++i) {
      const int l = std::clamp(nearest_int(iscale * x[i]), -nmax, nmax - 1);
      const float w = x[i] * x[i];
      sumlx += w * x[i] * static_cast<float>(l);
      suml2 += w * static_cast<float>(l * l);
    }
    // Maximising sumlx^2 / suml2 minimises the weighted error at the optimal scale.
    if (suml2 > 0.0f && (!have || sumlx * sumlx * best_den > best_num * suml2)) {
      have = true;
      best_num = sumlx * sumlx;
      best_den = suml2;
      best_scale = sumlx / suml2;
    }
  }
  return best_scale;
}

void quant_q6_k(const float* x, BlockQ6_K* b, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, x += QK_K) {
    float sub_scale[16];
    float max_scale = 0.0f, max_abs = 0.0f;
    for (int ib = 0; ib < 16; ++ib) {
      sub_scale[ib] = fit_scale_symmetric(x + 16 * ib, 16, 32);
      if (std::fabs(sub_scale[ib]) > max_abs) {
        max_abs = std::fabs(sub_scale[ib]);
        max_scale = sub_scale[ib];
      }
    }
    int L[QK_K] = {};
    if (max_abs == 0.0f) {
      std::memset(&b[i], 0, sizeof(BlockQ6_K));
      for (int& l : L) l = 32;
    } else {
      const float iscale = -128.0f / max_scale;
      b[i].d = f32_to_f16(1.0f / iscale);
      for (int ib = 0; ib < 16; ++ib)
        b[i].scales[ib] = static_cast<int8_t>(std::clamp(nearest_int(iscale * sub_scale[ib]), -128, 127));
      const float d = f16_to_f32(b[i].d);
      for (int ib = 0; ib < 16; ++ib) {
        const float ds = d * static_cast<float>(b[i].scales[ib]);
        for (int ii = 0; ii < 16; ++ii) {
          const int l = ds != 0.0f ? nearest_int(x[16 * ib + ii] / ds) : 0;
          L[16 * ib + ii] = std::clamp(l, -32, 31) + 32;
        }
      }
    }
    uint8_t* ql = b[i].ql;
    uint8_t* qh = b[i].qh;
    for (int j = 0; j < QK_K; j += 128, ql += 64, qh += 32) {
      for (int l = 0; l < 32; ++l) {
        const int q1 = L[j + l], q2 = L[j + l + 32], q3 = L[j + l + 64], q4 = L[j + l + 96];
        ql[l] = static_cast<uint8_t>((q1 & 0x0F) | ((q3 & 0x0F) << 4));
        ql[l + 32] = static_cast<uint8_t>((q2 & 0x0F) | ((q4 & 0x0F) << 4));
        qh[l] = static_cast<uint8_t>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
      }
    }
  }
}

void dequant_q8_k(const BlockQ8_K* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i)
    for (int j = 0; j < QK_K; ++j) *y++ = b[i].d * static_cast<float>(b[i].qs[j]);
}

void quant_q8_k(const float* x, BlockQ8_K* b, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, x += QK_K) {
    const float max = signed_absmax(x, QK_K);
    if (max == 0.0f) {
      std::memset(&b[i], 0, sizeof(BlockQ8_K));
      continue;
    }
    const float iscale = -127.0f / max;
    for (int j = 0; j < QK_K; ++j)
      b[i].qs[j] = static_cast<int8_t>(std::clamp(nearest_int(iscale * x[j]), -127, 127));
    for (int j = 0; j < QK_K / 16; ++j) {
      int sum = 0;
      for (int l = 0; l < 16; ++l) sum += b[i].qs[16 * j + l];
      b[i].bsums[j] = static_cast<int16_t>(sum);
    }
    b[i].d = 1.0f / iscale;
  }
}

// Whole-block check shared by both directions.
Status check_row(TensorType type, int64_t n, int64_t& blocks) {
  if (!can_quantize(type))
    return Status::error(ErrorCode::unsupported,
                         "quant: type " + std::string(type_name(type)) + " is not supported");
  const auto tr = type_traits(type);
  if (n < 0 || n % tr->block_elems != 0)
    return Status::error(ErrorCode::invalid_request,
                         "quant: " + std::to_string(n) + " elements is not a whole number of " +
                             std::string(tr->name) + " blocks");
  blocks = n / tr->block_elems;
  return Status::success();
}

} // namespace

bool can_quantize(TensorType type) {
  switch (type) {
    case TensorType::F32: case TensorType::F16: case TensorType::BF16:
    case TensorType::Q4_0: case TensorType::Q4_1: case TensorType::Q5_0: case TensorType::Q5_1:
    case TensorType::Q8_0: case TensorType::Q8_1: case TensorType::Q4_K: case TensorType::Q5_K:
    case TensorType::Q6_K: case TensorType::Q8_K:
      return true;
    default:
      return false;
  }
}

Status dequantize_row(TensorType type, const void* src, float* dst, int64_t n) {
  int64_t nb = 0;
  if (auto st = check_row(type, n, nb); !st) return st;
  switch (type) {
    case TensorType::F32: std::memcpy(dst, src, static_cast<size_t>(n) * 4); break;
    case TensorType::F16: {
      const auto* h = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = f16_to_f32(h[i]);
      break;
    }
    case TensorType::BF16: {
      const auto* h = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(h[i]);
      break;
    }
    case TensorType::Q4_0: dequant_q4_0(static_cast<const BlockQ4_0*>(src), dst, nb); break;
    case TensorType::Q4_1: dequant_q4_1(static_cast<const BlockQ4_1*>(src), dst, nb); break;
    case TensorType::Q5_0: dequant_q5_0(static_cast<const BlockQ5_0*>(src), dst, nb); break;
    case TensorType::Q5_1: dequant_q5_1(static_cast<const BlockQ5_1*>(src), dst, nb); break;
    case TensorType::Q8_0: dequant_q8(static_cast<const BlockQ8_0*>(src), dst, nb); break;
    case TensorType::Q8_1: dequant_q8(static_cast<const BlockQ8_1*>(src), dst, nb); break;
    case TensorType::Q4_K: dequant_q4_k(static_cast<const BlockQ4_K*>(src), dst, nb); break;
    case TensorType::Q5_K: dequant_q5_k(static_cast<const BlockQ5_K*>(src), dst, nb); break;
    case TensorType::Q6_K: dequant_q6_k(static_cast<const BlockQ6_K*>(src), dst, nb); break;
    case TensorType::Q8_K: dequant_q8_k(static_cast<const BlockQ8_K*>(src), dst, nb); break;
    default: break;
  }
  return Status::success();
}

Status quantize_row(TensorType type, const float* src, void* dst, int64_t n) {
  int64_t nb = 0;
  if (auto st = check_row(type, n, nb); !st) return st;
  switch (type) {
    case TensorType::F32: std::memcpy(dst, src, static_cast<size_t>(n) * 4); break;
    case TensorType::F16: {
      auto* h = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) h[i] = f32_to_f16(src[i]);
      break;
    }
    case TensorType::BF16: {
      auto* h = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) h[i] = f32_to_bf16(src[i]);
      break;
    }
    case TensorType::Q4_0: quant_q4_0(src, static_cast<BlockQ4_0*>(dst), nb); break;
    case TensorType::Q4_1: quant_q4_1(src, static_cast<BlockQ4_1*>(dst), nb); break;
    case TensorType::Q5_0: quant_q5_0(src, static_cast<BlockQ5_0*>(dst), nb); break;
    case TensorType::Q5_1: quant_q5_1(src, static_cast<BlockQ5_1*>(dst), nb); break;
    case TensorType::Q8_0: quant_q8_0(src, static_cast<BlockQ8_0*>(dst), nb); break;
    case TensorType::Q8_1: quant_q8_1(src, static_cast<BlockQ8_1*>(dst), nb); break;
    case TensorType::Q4_K: quant_q4_k(src, static_cast<BlockQ4_K*>(dst), nb); break;
    case TensorType::Q5_K: quant_q5_k(src, static_cast<BlockQ5_K*>(dst), nb); break;
    case TensorType::Q6_K: quant_q6_k(src, static_cast<BlockQ6_K*>(dst), nb); break;
    case TensorType::Q8_K: quant_q8_k(src, static_cast<BlockQ8_K*>(dst), nb); break;
    default: break;
  }
  return Status::success();
}

} // namespace llmhost
