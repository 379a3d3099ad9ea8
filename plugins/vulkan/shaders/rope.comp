#version 450
#extension GL_GOOGLE_include_directive : require
// Rotary embedding, one thread per pair of elements. x [head_dim, n_heads, M], positions [M],
// optional frequency factors [n_dims / 2] (binding 2, used when u2 != 0).
// n0 = head_dim, n1 = n_heads, n2 = M, u0 = n_dims, u1 = mode (2 = NeoX), f0 = base, f1 = scale.
#include "common.glsl"
layout(local_size_x = 256) in;
layout(binding = 0) readonly buffer X { float x[]; };
layout(binding = 1) readonly buffer Pos { int pos[]; };
layout(binding = 2) readonly buffer Factors { float factors[]; };
layout(binding = 3) writeonly buffer Dst { float dst[]; };

void main() {
  uint half_dim = p.n0 / 2u;
  uint item = group_id() * 256u + gl_LocalInvocationID.x;
  if (item >= half_dim * p.n1 * p.n2) return;
  uint i = item % half_dim, hm = item / half_dim; // hm = m * n_heads + h
  uint m = hm / p.n1;
  uint base = hm * p.n0;
  uint xs = (p.o0 >> 2) + base, ds = (p.o3 >> 2) + base;
  uint nd = p.u0;
  if (i >= nd / 2u) { // past the rotated dimensions: pass through
    uint j = nd + 2u * (i - nd / 2u);
    dst[ds + j] = x[xs + j];
    if (j + 1u < p.n0) dst[ds + j + 1u] = x[xs + j + 1u];
    return;
  }
  uint a = (p.u1 == 2u) ? i : 2u * i;
  uint b = (p.u1 == 2u) ? i + nd / 2u : 2u * i + 1u;
  float theta = float(pos[(p.o1 >> 2) + m]) * p.f1 * pow(p.f0, -2.0 * float(i) / float(nd));
  if (p.u2 != 0u) theta /= factors[(p.o2 >> 2) + i];
  float c = cos(theta), s = sin(theta);
  float x0 = x[xs + a], x1 = x[xs + b];
  dst[ds + a] = x0 * c - x1 * s;
  dst[ds + b] = x0 * s + x1 * c;
}
