#version 450
#extension GL_GOOGLE_include_directive : require
// Tiled matrix-matrix product for prompts: a workgroup computes a 32 (rows n) x 32 (columns m)
// tile; both operands pass through shared memory 32 elements of K at a time, the weights
// dequantized on load. Each of the 256 threads owns a 2 x 2 block of the tile.
// n0 = K, n1 = rows in this binding, n2 = M, n3 = dst row stride, u0 = row bytes,
// u1 = first output row of this binding, u2 = row tiles (ceil(n1 / 32)).
#include "common.glsl"
#include "dequant.glsl"
#define T 32u
layout(local_size_x = 256) in;
layout(binding = 1) readonly buffer X { float x[]; };
layout(binding = 2) writeonly buffer Dst { float dst[]; };
shared float wt[T][T + 1];
shared float xt[T][T + 1];

void main() {
  uint gid = group_id();
  if (gid >= p.groups) return;
  uint n0 = (gid % p.u2) * T, m0 = (gid / p.u2) * T;
  uint tid = gl_LocalInvocationID.x;
  uint tx = tid % 16u, ty = tid / 16u;
  uint K = p.n0;
  uint lr = tid / 8u, lk = (tid % 8u) * 4u; // this thread loads 4 values of row lr of each tile
  float acc[2][2] = {{0.0, 0.0}, {0.0, 0.0}};
  for (uint k0 = 0u; k0 < K; k0 += T) {
    uint k = k0 + lk;
    vec4 wv = vec4(0.0), xv = vec4(0.0);
    uint n = n0 + lr, m = m0 + lr;
    if (n < p.n1) {
      uint row = p.o0 + n * p.u0;
      if (k + 4u <= K) {
        wv = dequant4(row, k);
      } else {
        for (uint j = 0u; k + j < K; ++j) wv[j] = dequant1(row, k + j);
      }
    }
    if (m < p.n2) {
      uint xb = (p.o1 >> 2) + m * K;
      for (uint j = 0u; j < 4u && k + j < K; ++j) xv[j] = x[xb + k + j];
    }
    for (uint j = 0u; j < 4u; ++j) {
      wt[lr][lk + j] = wv[j];
      xt[lr][lk + j] = xv[j];
    }
    barrier();
    for (uint kk = 0u; kk < T; ++kk) {
      float a0 = wt[tx][kk], a1 = wt[tx + 16u][kk];
      float b0 = xt[ty][kk], b1 = xt[ty + 16u][kk];
      acc[0][0] += a0 * b0;
      acc[0][1] += a0 * b1;
      acc[1][0] += a1 * b0;
      acc[1][1] += a1 * b1;
    }
    barrier();
  }
  for (uint i = 0u; i < 2u; ++i) {
    for (uint j = 0u; j < 2u; ++j) {
      uint n = n0 + tx + 16u * i, m = m0 + ty + 16u * j;
      if (n < p.n1 && m < p.n2) dst[(p.o2 >> 2) + m * p.n3 + p.u1 + n] = acc[i][j];
    }
  }
}
