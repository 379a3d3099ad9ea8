#version 450
#extension GL_GOOGLE_include_directive : require
// Writes rows of src [W, M] into the cache [W, n_cells] at cells[m]. n0 = W, n1 = M,
// n2 = n_cells. F32 caches take one element per thread, F16 caches one pair (W is even).
#include "common.glsl"
#include "cache.glsl"
layout(local_size_x = 256) in;
layout(binding = 0) readonly buffer Src { float src[]; };
layout(binding = 1) buffer Cache { CACHE_WORD cache[]; };
layout(binding = 2) readonly buffer Cells { int cells[]; };

void main() {
#if defined(CACHE_F32)
  const uint per_thread = 1u;
#else
  const uint per_thread = 2u;
#endif
  uint width = p.n0 / per_thread;
  uint item = group_id() * 256u + gl_LocalInvocationID.x;
  if (item >= width * p.n1) return;
  uint m = item / width, i = (item % width) * per_thread;
  int cell = cells[(p.o2 >> 2) + m];
  if (cell < 0 || uint(cell) >= p.n2) return;
  uint s = (p.o0 >> 2) + m * p.n0 + i;
  uint d = uint(cell) * p.n0 + i;
#if defined(CACHE_F32)
  cache[(p.o1 >> 2) + d] = src[s];
#else
  cache[(p.o1 >> 2) + d / 2u] = packHalf2x16(vec2(src[s], src[s + 1u]));
#endif
}
