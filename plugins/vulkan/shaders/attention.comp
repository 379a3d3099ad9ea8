#version 450
#extension GL_GOOGLE_include_directive : require
// Causal attention over the KV cache, one workgroup per (query head, token), streaming the
// token's span of cells in chunks of 64 with an online softmax (running max and sum), so spans
// of any length fit. Thread t owns output dimensions t, t + 64, ... (head_dim <= 256).
// q [hd, n_head, M]; K, V caches [hd * n_head_kv, n_cells]; spans [2, M]; dst [hd * n_head, M].
// n0 = hd, n1 = n_head, n2 = M, n3 = n_head_kv, u0 = n_cells, f0 = scale.
#include "common.glsl"
#include "cache.glsl"
#define WG 64u
#define MAX_HD 256u
layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer Q { float q[]; };
layout(binding = 1) readonly buffer KC { CACHE_WORD kc[]; };
layout(binding = 2) readonly buffer VC { CACHE_WORD vc[]; };
layout(binding = 3) readonly buffer Spans { int spans[]; };
layout(binding = 4) writeonly buffer Dst { float dst[]; };
shared float qs[MAX_HD];
shared float probs[WG];

void main() {
  uint gid = group_id();
  if (gid >= p.groups) return;
  uint hd = p.n0, n_head = p.n1;
  uint h = gid % n_head, m = gid / n_head;
  uint kvh = h / (n_head / p.n3);
  uint row_width = hd * p.n3;
  uint tid = gl_LocalInvocationID.x;
  uint qb = (p.o0 >> 2) + (m * n_head + h) * hd;
  for (uint d = tid; d < hd; d += WG) qs[d] = q[qb + d] * p.f0;
  uint s0 = uint(clamp(spans[(p.o3 >> 2) + 2u * m], 0, int(p.u0)));
  uint s1 = uint(clamp(spans[(p.o3 >> 2) + 2u * m + 1u], int(s0), int(p.u0)));
  barrier();

  float run_max = -1.0 / 0.0, run_sum = 0.0;
  float acc[MAX_HD / WG];
  for (uint j = 0u; j < MAX_HD / WG; ++j) acc[j] = 0.0;
  for (uint c0 = s0; c0 < s1; c0 += WG) {
    uint c = c0 + tid;
    uint count = min(WG, s1 - c0);
    float score = -1.0 / 0.0;
    if (c < s1) {
      score = 0.0;
      uint kb = c * row_width + kvh * hd;
      for (uint d = 0u; d < hd; ++d) score += qs[d] * CACHE_READ(kc, p.o1, kb + d);
    }
    probs[tid] = score;
    barrier();
    float chunk_max = -1.0 / 0.0;
    for (uint j = 0u; j < count; ++j) chunk_max = max(chunk_max, probs[j]);
    float new_max = max(run_max, chunk_max);
    float correction = exp(run_max - new_max);
    barrier();
    probs[tid] = (c < s1) ? exp(score - new_max) : 0.0;
    barrier();
    run_sum *= correction;
    for (uint j = 0u; j < MAX_HD / WG; ++j) acc[j] *= correction;
    for (uint j = 0u; j < count; ++j) {
      float pj = probs[j];
      run_sum += pj;
      uint vb = (c0 + j) * row_width + kvh * hd;
      for (uint k = 0u; k < MAX_HD / WG; ++k) {
        uint d = tid + k * WG;
        if (d < hd) acc[k] += pj * CACHE_READ(vc, p.o2, vb + d);
      }
    }
    run_max = new_max;
    barrier();
  }
  uint ob = (p.o4 >> 2) + m * hd * n_head + h * hd;
  float inv = run_sum > 0.0 ? 1.0 / run_sum : 0.0;
  for (uint k = 0u; k < MAX_HD / WG; ++k) {
    uint d = tid + k * WG;
    if (d < hd) dst[ob + d] = acc[k] * inv;
  }
}
