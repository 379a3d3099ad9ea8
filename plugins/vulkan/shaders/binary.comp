#version 450
#extension GL_GOOGLE_include_directive : require
// dst = a (op) b elementwise; b repeats every n1 elements (broadcast over rows).
// n0 = elements of dst, n1 = elements of b.
#include "common.glsl"
layout(local_size_x = 256) in;
layout(binding = 0) readonly buffer A { float a[]; };
layout(binding = 1) readonly buffer B { float b[]; };
layout(binding = 2) writeonly buffer Dst { float dst[]; };

void main() {
  uint i = group_id() * 256u + gl_LocalInvocationID.x;
  if (i >= p.n0) return;
  float x = a[(p.o0 >> 2) + i], y = b[(p.o1 >> 2) + i % p.n1];
#if defined(OP_ADD)
  float r = x + y;
#elif defined(OP_MUL)
  float r = x * y;
#elif defined(OP_SWIGLU)
  float r = x / (1.0 + exp(-x)) * y;
#endif
  dst[(p.o2 >> 2) + i] = r;
}
