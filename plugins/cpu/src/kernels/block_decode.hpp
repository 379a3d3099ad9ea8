// Scalar decoding of one weight block into small integers plus scales: the portable kernels and
// get_rows build on it. A 32-element block decodes to value[i] = d * q[i] + m; a 256-element
// K-quant block to value[i] = d * sc[i/16] * q[i] - dmin * mn[i/16].
#pragma once

#include <cstdint>
#include <cstring>

#include "llmhost/tensor_type.hpp"

namespace llmhost::cpu {

struct Decoded32 {
  float d = 0, m = 0;
  int8_t q[32];
};

struct DecodedK {
  float d = 0, dmin = 0;
  int8_t q[QK_K];
  int16_t sc[16];
  int16_t mn[16];
};

inline void decode_block(const BlockQ4_0& b, Decoded32& o) {
  o.d = f16_to_f32(b.d);
  o.m = 0;
  for (int j = 0; j < 16; ++j) {
    o.q[j] = static_cast<int8_t>((b.qs[j] & 0x0f) - 8);
    o.q[j + 16] = static_cast<int8_t>((b.qs[j] >> 4) - 8);
  }
}

inline void decode_block(const BlockQ4_1& b, Decoded32& o) {
  o.d = f16_to_f32(b.d);
  o.m = f16_to_f32(b.m);
  for (int j = 0; j < 16; ++j) {
    o.q[j] = static_cast<int8_t>(b.qs[j] & 0x0f);
    o.q[j + 16] = static_cast<int8_t>(b.qs[j] >> 4);
  }
}

inline uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline void decode_block(const BlockQ5_0& b, Decoded32& o) {
  o.d = f16_to_f32(b.d);
  o.m = 0;
  const uint32_t qh = load_u32(b.qh);
  for (int j = 0; j < 16; ++j) {
    const int h0 = ((qh >> j) << 4) & 0x10;
    const int h1 = (qh >> (j + 12)) & 0x10;
    o.q[j] = static_cast<int8_t>(((b.qs[j] & 0x0f) | h0) - 16);
    o.q[j + 16] = static_cast<int8_t>(((b.qs[j] >> 4) | h1) - 16);
  }
}

inline void decode_block(const BlockQ5_1& b, Decoded32& o) {
  o.d = f16_to_f32(b.d);
  o.m = f16_to_f32(b.m);
  const uint32_t qh = load_u32(b.qh);
  for (int j = 0; j < 16; ++j) {
    const int h0 = ((qh >> j) << 4) & 0x10;
    const int h1 = (qh >> (j + 12)) & 0x10;
    o.q[j] = static_cast<int8_t>((b.qs[j] & 0x0f) | h0);
    o.q[j + 16] = static_cast<int8_t>((b.qs[j] >> 4) | h1);
  }
}

inline void decode_block(const BlockQ8_0& b, Decoded32& o) {
  o.d = f16_to_f32(b.d);
  o.m = 0;
  std::memcpy(o.q, b.qs, 32);
}

// The 6-bit scale and min of sub-block j (of 8) packed in a Q4_K / Q5_K block's 12 bytes.
inline void k4_scale_min(int j, const uint8_t* s, int& scale, int& min) {
  if (j < 4) {
    scale = s[j] & 63;
    min = s[j + 4] & 63;
  } else {
    scale = (s[j + 4] & 0x0f) | ((s[j - 4] >> 6) << 4);
    min = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
  }
}

inline void decode_block(const BlockQ4_K& b, DecodedK& o) {
  o.d = f16_to_f32(b.d);
  o.dmin = f16_to_f32(b.dmin);
  for (int p = 0; p < 4; ++p) { // 64 elements per pair of sub-blocks
    const uint8_t* qs = b.qs + 32 * p;
    for (int l = 0; l < 32; ++l) {
      o.q[64 * p + l] = static_cast<int8_t>(qs[l] & 0x0f);
      o.q[64 * p + 32 + l] = static_cast<int8_t>(qs[l] >> 4);
    }
  }
  for (int j = 0; j < 8; ++j) {
    int sc, mn;
    k4_scale_min(j, b.scales, sc, mn);
    o.sc[2 * j] = o.sc[2 * j + 1] = static_cast<int16_t>(sc);
    o.mn[2 * j] = o.mn[2 * j + 1] = static_cast<int16_t>(mn);
  }
}

inline void decode_block(const BlockQ5_K& b, DecodedK& o) {
  o.d = f16_to_f32(b.d);
  o.dmin = f16_to_f32(b.dmin);
  for (int p = 0; p < 4; ++p) {
    const uint8_t* qs = b.qs + 32 * p;
    for (int l = 0; l < 32; ++l) {
      const int h0 = ((b.qh[l] >> (2 * p)) & 1) << 4;
      const int h1 = ((b.qh[l] >> (2 * p + 1)) & 1) << 4;
      o.q[64 * p + l] = static_cast<int8_t>((qs[l] & 0x0f) | h0);
      o.q[64 * p + 32 + l] = static_cast<int8_t>((qs[l] >> 4) | h1);
    }
  }
  for (int j = 0; j < 8; ++j) {
    int sc, mn;
    k4_scale_min(j, b.scales, sc, mn);
    o.sc[2 * j] = o.sc[2 * j + 1] = static_cast<int16_t>(sc);
    o.mn[2 * j] = o.mn[2 * j + 1] = static_cast<int16_t>(mn);
  }
}

inline void decode_block(const BlockQ6_K& b, DecodedK& o) {
  o.d = f16_to_f32(b.d);
  o.dmin = 0;
  for (int half = 0; half < 2; ++half) {
    const uint8_t* ql = b.ql + 64 * half;
    const uint8_t* qh = b.qh + 32 * half;
    int8_t* q = o.q + 128 * half;
    for (int l = 0; l < 32; ++l) {
      q[l] = static_cast<int8_t>(((ql[l] & 0x0f) | (((qh[l] >> 0) & 3) << 4)) - 32);
      q[l + 32] = static_cast<int8_t>(((ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4)) - 32);
      q[l + 64] = static_cast<int8_t>(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
      q[l + 96] = static_cast<int8_t>(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
    }
  }
  for (int g = 0; g < 16; ++g) {
    o.sc[g] = b.scales[g];
    o.mn[g] = 0;
  }
}

} // namespace llmhost::cpu
