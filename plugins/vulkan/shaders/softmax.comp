#version 450
#extension GL_GOOGLE_include_directive : require
// Row-wise softmax of (x * f0), one workgroup per row. n0 = row width, n1 = rows.
#include "common.glsl"
#define WG 256u
layout(local_size_x = 256) in;
layout(binding = 0) readonly buffer A { float a[]; };
layout(binding = 1) buffer Dst { float dst[]; };
shared float red[WG];

void main() {
  uint row = group_id();
  if (row >= p.n1) return;
  uint tid = gl_LocalInvocationID.x;
  uint n = p.n0;
  uint src = (p.o0 >> 2) + row * n, out_base = (p.o1 >> 2) + row * n;
  float scale = p.f0;
  float mx = -1.0 / 0.0;
  for (uint i = tid; i < n; i += WG) mx = max(mx, a[src + i] * scale);
  red[tid] = mx;
  barrier();
  for (uint s = WG / 2u; s > 0u; s >>= 1) {
    if (tid < s) red[tid] = max(red[tid], red[tid + s]);
    barrier();
  }
  mx = red[0];
  barrier();
  float sum = 0.0;
  for (uint i = tid; i < n; i += WG) {
    float e = exp(a[src + i] * scale - mx);
    dst[out_base + i] = e;
    sum += e;
  }
  red[tid] = sum;
  barrier();
  for (uint s = WG / 2u; s > 0u; s >>= 1) {
    if (tid < s) red[tid] += red[tid + s];
    barrier();
  }
  float inv = 1.0 / red[0];
  for (uint i = tid; i < n; i += WG) dst[out_base + i] *= inv;
}
