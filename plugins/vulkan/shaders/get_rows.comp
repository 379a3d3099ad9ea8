#version 450
#extension GL_GOOGLE_include_directive : require
// dst[m] = row ids[m] of the weight table, for the rows [u1, u1 + u2) held by this binding.
// n0 = K (row width), n1 = M (ids), u0 = row bytes, u1 = first row here, u2 = rows here.
#include "common.glsl"
#include "dequant.glsl"
layout(local_size_x = 256) in;
layout(binding = 1) readonly buffer Ids { int ids[]; };
layout(binding = 2) writeonly buffer Dst { float dst[]; };

void main() {
  uint k4 = (p.n0 + 3u) / 4u;
  uint item = group_id() * 256u + gl_LocalInvocationID.x;
  if (item >= k4 * p.n1) return;
  uint m = item / k4, e = (item % k4) * 4u;
  int id = ids[(p.o1 >> 2) + m] - int(p.u1);
  if (id < 0 || uint(id) >= p.u2) return;
  uint row = p.o0 + uint(id) * p.u0;
  uint out_base = (p.o2 >> 2) + m * p.n0 + e;
  if (e + 4u <= p.n0) {
    vec4 v = dequant4(row, e);
    for (uint k = 0u; k < 4u; ++k) dst[out_base + k] = v[k];
  } else {
    for (uint k = 0u; e + k < p.n0; ++k) dst[out_base + k] = dequant1(row, e + k);
  }
}
