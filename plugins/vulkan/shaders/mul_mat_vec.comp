#version 450
#extension GL_GOOGLE_include_directive : require
// Matrix-vector product for small batches (decode): each workgroup computes NR output rows of one
// activation column m, reading the weight blocks directly. Partial sums are reduced with subgroup
// arithmetic when USE_SUBGROUPS is defined, else through shared memory.
// n0 = K, n1 = rows in this binding, n2 = M, n3 = dst row stride (all rows), u0 = row bytes,
// u1 = first output row of this binding, u2 = row groups (ceil(n1 / NR)).
#if defined(USE_SUBGROUPS)
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#include "common.glsl"
#include "dequant.glsl"
#define WG 64u
#define NR 2u
layout(local_size_x = 64) in;
layout(binding = 1) readonly buffer X { float x[]; };
layout(binding = 2) writeonly buffer Dst { float dst[]; };
shared float partial[NR][WG];

void main() {
  uint gid = group_id();
  if (gid >= p.groups) return;
  uint rg = gid % p.u2, m = gid / p.u2;
  uint tid = gl_LocalInvocationID.x;
  uint K = p.n0;
  uint xb = (p.o1 >> 2) + m * K;
  float acc[NR];
  for (uint r = 0u; r < NR; ++r) {
    acc[r] = 0.0;
    uint n = rg * NR + r;
    if (n >= p.n1) continue;
    uint row = p.o0 + n * p.u0;
    uint e = tid * 4u;
    for (; e + 4u <= K; e += WG * 4u) {
      acc[r] += dot(dequant4(row, e), vec4(x[xb + e], x[xb + e + 1u], x[xb + e + 2u], x[xb + e + 3u]));
    }
    for (uint k = 0u; k < 4u && e + k < K; ++k) acc[r] += dequant1(row, e + k) * x[xb + e + k];
  }
#if defined(USE_SUBGROUPS)
  for (uint r = 0u; r < NR; ++r) {
    float s = subgroupAdd(acc[r]);
    if (subgroupElect()) partial[r][gl_SubgroupID] = s;
  }
  barrier();
  if (tid < NR) {
    uint n = rg * NR + tid;
    float s = 0.0;
    for (uint i = 0u; i < gl_NumSubgroups; ++i) s += partial[tid][i];
    if (n < p.n1) dst[(p.o2 >> 2) + m * p.n3 + p.u1 + n] = s;
  }
#else
  for (uint r = 0u; r < NR; ++r) partial[r][tid] = acc[r];
  barrier();
  for (uint stride = WG / 2u; stride > 0u; stride >>= 1) {
    if (tid < stride) {
      for (uint r = 0u; r < NR; ++r) partial[r][tid] += partial[r][tid + stride];
    }
    barrier();
  }
  if (tid < NR) {
    uint n = rg * NR + tid;
    if (n < p.n1) dst[(p.o2 >> 2) + m * p.n3 + p.u1 + n] = partial[tid][0];
  }
#endif
}
