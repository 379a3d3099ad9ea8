#version 450
#extension GL_GOOGLE_include_directive : require
// One workgroup per row of n0 elements: RMS norm (x / sqrt(mean(x^2) + eps)) or layer norm
// ((x - mean) / sqrt(var + eps)). n1 = rows, f0 = eps.
#include "common.glsl"
#define WG 256u
layout(local_size_x = 256) in;
layout(binding = 0) readonly buffer A { float a[]; };
layout(binding = 1) writeonly buffer Dst { float dst[]; };
shared float red[WG];

float reduce_sum(float v) {
  uint tid = gl_LocalInvocationID.x;
  red[tid] = v;
  barrier();
  for (uint s = WG / 2u; s > 0u; s >>= 1) {
    if (tid < s) red[tid] += red[tid + s];
    barrier();
  }
  float r = red[0];
  barrier();
  return r;
}

void main() {
  uint row = group_id();
  if (row >= p.n1) return;
  uint tid = gl_LocalInvocationID.x;
  uint n = p.n0;
  uint src = (p.o0 >> 2) + row * n, out_base = (p.o1 >> 2) + row * n;
  float mean = 0.0;
#if defined(OP_LAYER_NORM)
  float s = 0.0;
  for (uint i = tid; i < n; i += WG) s += a[src + i];
  mean = reduce_sum(s) / float(n);
#endif
  float sq = 0.0;
  for (uint i = tid; i < n; i += WG) {
    float d = a[src + i] - mean;
    sq += d * d;
  }
  float inv = inversesqrt(reduce_sum(sq) / float(n) + p.f0);
  for (uint i = tid; i < n; i += WG) dst[out_base + i] = (a[src + i] - mean) * inv;
}
