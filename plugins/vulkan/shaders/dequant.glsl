// Reads weight rows stored in GGUF block layout from binding 0 (raw 32-bit words, so blocks need
// no alignment) and turns them into floats. Every weight type defines
//   vec4  dequant4(uint row_byte, uint e)  // elements e..e+3 of the row (e % 4 == 0, e + 4 <= K)
//   float dequant1(uint row_byte, uint e)  // element e
// Quantized types keep 4 consecutive elements inside one scale group, so dequant4 decodes the
// block header once.
layout(binding = 0) readonly buffer Weights { uint w[]; };

uint rd8(uint b) { return (w[b >> 2] >> ((b & 3u) * 8u)) & 0xFFu; }
uint rd16(uint b) { return (w[b >> 2] >> ((b & 2u) * 8u)) & 0xFFFFu; } // b is even
float rdf16(uint b) { return unpackHalf2x16(rd16(b)).x; }
int sext8(uint v) { return int(v << 24) >> 24; }

#if defined(TYPE_F32)
float dequant1(uint r, uint e) { return uintBitsToFloat(w[(r >> 2) + e]); }
vec4 dequant4(uint r, uint e) {
  uint i = (r >> 2) + e;
  return vec4(uintBitsToFloat(w[i]), uintBitsToFloat(w[i + 1]), uintBitsToFloat(w[i + 2]),
              uintBitsToFloat(w[i + 3]));
}
#define PLAIN_TYPE 1
#elif defined(TYPE_F16)
float dequant1(uint r, uint e) { return rdf16(r + 2u * e); }
vec4 dequant4(uint r, uint e) {
  return vec4(rdf16(r + 2u * e), rdf16(r + 2u * e + 2u), rdf16(r + 2u * e + 4u), rdf16(r + 2u * e + 6u));
}
#define PLAIN_TYPE 1
#elif defined(TYPE_BF16)
float bf(uint b) { return uintBitsToFloat(rd16(b) << 16); }
float dequant1(uint r, uint e) { return bf(r + 2u * e); }
vec4 dequant4(uint r, uint e) {
  return vec4(bf(r + 2u * e), bf(r + 2u * e + 2u), bf(r + 2u * e + 4u), bf(r + 2u * e + 6u));
}
#define PLAIN_TYPE 1
#elif defined(TYPE_Q8_0)
// block: f16 d, int8 qs[32]  (34 bytes)
vec4 dequant4(uint r, uint e) {
  uint b = r + (e >> 5) * 34u;
  float d = rdf16(b);
  uint q = b + 2u + (e & 31u);
  return d * vec4(sext8(rd8(q)), sext8(rd8(q + 1u)), sext8(rd8(q + 2u)), sext8(rd8(q + 3u)));
}
#elif defined(TYPE_Q4_0) || defined(TYPE_Q4_1)
// Q4_0: f16 d, u8 qs[16] (18 bytes), x = d * (q - 8). Q4_1: f16 d, f16 m, qs[16] (20), x = d*q + m.
// Element j < 16 is the low nibble of qs[j], element j >= 16 the high nibble of qs[j - 16].
#if defined(TYPE_Q4_0)
const uint BLOCK = 18u, QS = 2u;
#else
const uint BLOCK = 20u, QS = 4u;
#endif
vec4 dequant4(uint r, uint e) {
  uint b = r + (e >> 5) * BLOCK;
  uint j = e & 31u;
  uint q = b + QS + (j & 15u);
  uint sh = (j >> 4) * 4u;
  vec4 v = vec4((rd8(q) >> sh) & 15u, (rd8(q + 1u) >> sh) & 15u, (rd8(q + 2u) >> sh) & 15u,
                (rd8(q + 3u) >> sh) & 15u);
#if defined(TYPE_Q4_0)
  return rdf16(b) * (v - 8.0);
#else
  return rdf16(b) * v + rdf16(b + 2u);
#endif
}
#elif defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
// Q5_0: f16 d, u8 qh[4], qs[16] (22 bytes), x = d * (q - 16). Q5_1: f16 d, f16 m, qh[4], qs[16]
// (24), x = d*q + m. Bit j of qh is the fifth bit of element j; low nibbles as in Q4_0.
#if defined(TYPE_Q5_0)
const uint BLOCK = 22u, QH = 2u;
#else
const uint BLOCK = 24u, QH = 4u;
#endif
vec4 dequant4(uint r, uint e) {
  uint b = r + (e >> 5) * BLOCK;
  uint j = e & 31u;
  uint qh = rd8(b + QH) | (rd8(b + QH + 1u) << 8) | (rd8(b + QH + 2u) << 16) | (rd8(b + QH + 3u) << 24);
  uint q = b + QH + 4u + (j & 15u);
  uint sh = (j >> 4) * 4u;
  vec4 v;
  for (uint k = 0u; k < 4u; ++k) {
    v[k] = float(((rd8(q + k) >> sh) & 15u) | (((qh >> (j + k)) & 1u) << 4));
  }
#if defined(TYPE_Q5_0)
  return rdf16(b) * (v - 16.0);
#else
  return rdf16(b) * v + rdf16(b + 2u);
#endif
}
#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
// Q4_K: f16 d, f16 dmin, u8 scales[12], qs[128] (144 bytes). Q5_K adds qh[32] before qs (176).
// 256 elements in 4 groups of 64; group g uses qs[32g..32g+32): low nibbles for its first 32
// elements (sub-block 2g), high nibbles for the next 32 (sub-block 2g+1). x = d*sc*q - dmin*m
// with 6-bit (sc, m) packed in scales.
#if defined(TYPE_Q4_K)
const uint BLOCK = 144u, QS = 16u;
#else
const uint BLOCK = 176u, QS = 48u;
#endif
vec2 scale_min(uint b, uint j) {
  uint s = b + 4u;
  if (j < 4u) return vec2(rd8(s + j) & 63u, rd8(s + j + 4u) & 63u);
  return vec2((rd8(s + j + 4u) & 15u) | ((rd8(s + j - 4u) >> 6) << 4),
              (rd8(s + j + 4u) >> 4) | ((rd8(s + j) >> 6) << 4));
}
vec4 dequant4(uint r, uint e) {
  uint b = r + (e >> 8) * BLOCK;
  uint i = e & 255u;
  uint g = i >> 6, sub = (i >> 5) & 1u, l = i & 31u;
  vec2 sm = scale_min(b, 2u * g + sub);
  float d = rdf16(b) * sm.x, m = rdf16(b + 2u) * sm.y;
  uint q = b + QS + 32u * g + l;
  uint sh = sub * 4u;
  vec4 v;
  for (uint k = 0u; k < 4u; ++k) {
    uint x = (rd8(q + k) >> sh) & 15u;
#if defined(TYPE_Q5_K)
    x |= ((rd8(b + 16u + l + k) >> (2u * g + sub)) & 1u) << 4;
#endif
    v[k] = float(x);
  }
  return d * v - m;
}
#elif defined(TYPE_Q6_K)
// ql[128], qh[64], int8 scales[16], f16 d (210 bytes). Two halves of 128; in half h, quarter c
// (32 elements) element l takes the low (c < 2) or high nibble of ql[64h + 32(c & 1) + l], bits
// 2c..2c+1 of qh[32h + l] on top, minus 32, times d * scales[8h + l/16 + 2c].
vec4 dequant4(uint r, uint e) {
  uint b = r + (e >> 8) * 210u;
  uint i = e & 255u;
  uint h = i >> 7, c = (i >> 5) & 3u, l = i & 31u;
  float d = rdf16(b + 208u) * float(sext8(rd8(b + 192u + 8u * h + l / 16u + 2u * c)));
  uint ql = b + 64u * h + 32u * (c & 1u) + l;
  uint qh = b + 128u + 32u * h + l;
  uint sh = (c >> 1) * 4u;
  vec4 v;
  for (uint k = 0u; k < 4u; ++k) {
    int x = int(((rd8(ql + k) >> sh) & 15u) | (((rd8(qh + k) >> (2u * c)) & 3u) << 4)) - 32;
    v[k] = float(x);
  }
  return d * v;
}
#else
#error "no weight TYPE_ defined"
#endif

#if !defined(PLAIN_TYPE)
float dequant1(uint r, uint e) { return dequant4(r, e & ~3u)[e & 3u]; }
#endif
