#version 450
#extension GL_GOOGLE_include_directive : require
// dst = f(a) elementwise. n0 = elements, f0 = scale factor (OP_SCALE).
#include "common.glsl"
layout(local_size_x = 256) in;
layout(binding = 0) readonly buffer A { float a[]; };
layout(binding = 1) writeonly buffer Dst { float dst[]; };

void main() {
  uint i = group_id() * 256u + gl_LocalInvocationID.x;
  if (i >= p.n0) return;
  float x = a[(p.o0 >> 2) + i];
#if defined(OP_SCALE)
  float r = x * p.f0;
#elif defined(OP_SILU)
  float r = x / (1.0 + exp(-x));
#elif defined(OP_GELU)
  // tanh approximation as ggml_gelu; tanh saturates well before |u| = 10 (and some drivers
  // overflow exp inside tanh past that).
  float u = clamp(0.7978845608028654 * x * (1.0 + 0.044715 * x * x), -10.0, 10.0);
  float r = 0.5 * x * (1.0 + tanh(u));
#endif
  dst[(p.o1 >> 2) + i] = r;
}
