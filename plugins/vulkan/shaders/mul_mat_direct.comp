#version 450
#extension GL_GOOGLE_include_directive : require
// Register-blocked matrix-matrix product without shared memory, for CPU-type Vulkan devices
// (lavapipe), where caches already do what shared memory would and barriers are costly. Each
// thread computes 4 rows (n) x 4 columns (m); a workgroup covers 64 rows x 16 columns.
// n0 = K, n1 = rows in this binding, n2 = M, n3 = dst row stride, u0 = row bytes,
// u1 = first output row of this binding, u2 = row tiles (ceil(n1 / 64)).
#include "common.glsl"
#include "dequant.glsl"
layout(local_size_x = 64) in;
layout(binding = 1) readonly buffer X { float x[]; };
layout(binding = 2) writeonly buffer Dst { float dst[]; };

void main() {
  uint gid = group_id();
  if (gid >= p.groups) return;
  uint tid = gl_LocalInvocationID.x;
  uint nb = (gid % p.u2) * 64u + (tid % 16u) * 4u;
  uint mb = (gid / p.u2) * 16u + (tid / 16u) * 4u;
  uint K = p.n0;
  uint rows[4], xs[4];
  for (uint i = 0u; i < 4u; ++i) {
    rows[i] = p.o0 + min(nb + i, p.n1 - 1u) * p.u0; // clamped: out-of-range rows are computed, not stored
    xs[i] = (p.o1 >> 2) + min(mb + i, p.n2 - 1u) * K;
  }
  vec4 acc[4] = {vec4(0.0), vec4(0.0), vec4(0.0), vec4(0.0)}; // acc[row][column]
  uint k = 0u;
  for (; k + 4u <= K; k += 4u) {
    vec4 xv[4];
    for (uint j = 0u; j < 4u; ++j) xv[j] = vec4(x[xs[j] + k], x[xs[j] + k + 1u], x[xs[j] + k + 2u], x[xs[j] + k + 3u]);
    for (uint i = 0u; i < 4u; ++i) {
      vec4 wv = dequant4(rows[i], k);
      acc[i] += vec4(dot(wv, xv[0]), dot(wv, xv[1]), dot(wv, xv[2]), dot(wv, xv[3]));
    }
  }
  for (; k < K; ++k) {
    for (uint i = 0u; i < 4u; ++i) {
      float wv = dequant1(rows[i], k);
      for (uint j = 0u; j < 4u; ++j) acc[i][j] += wv * x[xs[j] + k];
    }
  }
  for (uint i = 0u; i < 4u; ++i) {
    for (uint j = 0u; j < 4u; ++j) {
      if (nb + i < p.n1 && mb + j < p.n2) dst[(p.o2 >> 2) + (mb + j) * p.n3 + p.u1 + nb + i] = acc[i][j];
    }
  }
}
