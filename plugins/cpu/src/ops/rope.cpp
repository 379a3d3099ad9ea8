// Rotary position embedding, normal (adjacent pairs) and NeoX (split halves) layouts.
#include <cmath>

#include "ops/ops.hpp"
#include "ops/parallel.hpp"

namespace llmhost::cpu {

Status run_rope(const OpArgs& a) {
  const TensorRef &x = a.src[0], &pos = a.src[1], &factors = a.src[2];
  if (!is_f32(x) || !is_f32(a.dst)) return op_error(a, "src0 and dst must be F32");
  if (!same_shape(*x.desc, *a.dst.desc)) return op_error(a, "dst shape differs from src0");
  const int64_t head_dim = x.desc->ne[0], n_heads = x.desc->ne[1], tokens = x.desc->ne[2] * x.desc->ne[3];
  if (!pos.present() || pos.desc->type != TensorType::I32 || pos.desc->elements() != tokens)
    return op_error(a, "src1 must be I32 positions, one per token");
  const int n_dims = a.node.iparams[0], mode = a.node.iparams[1];
  if (n_dims <= 0 || n_dims % 2 != 0 || n_dims > head_dim) return op_error(a, "n_dims must be even and <= head_dim");
  if (mode != 0 && mode != 2) return op_error(a, "mode must be 0 (normal) or 2 (NeoX)");
  if (factors.present() && (!is_f32(factors) || factors.desc->elements() < n_dims / 2))
    return op_error(a, "frequency factors must be F32 [n_dims / 2]");
  const float base = a.node.fparams[0], freq_scale = a.node.fparams[1] != 0.0f ? a.node.fparams[1] : 1.0f;
  if (!(base > 0.0f)) return op_error(a, "freq_base must be positive");

  const int64_t half = n_dims / 2;
  const int64_t pair_stride = mode == 2 ? half : 1;
  // cos / sin depend on the token and the pair only: compute them once per token, not per head.
  // Scratch: the inverse frequencies, then a cos / sin table per thread.
  const int n_threads = a.env.pool.size();
  float* inv_freq = reinterpret_cast<float*>(a.env.scratch.get(sizeof(float) * static_cast<size_t>(half) * (1 + 2 * n_threads)));
  float* tables = inv_freq + half;
  for (int64_t i = 0; i < half; ++i) {
    float f = std::pow(base, -2.0f * static_cast<float>(i) / static_cast<float>(n_dims));
    if (factors.present()) f /= factors.f32()[i];
    inv_freq[i] = f;
  }
  auto rotate = [&](int64_t t0, int64_t t1, float* cs) {
    float* sn = cs + half;
    for (int64_t t = t0; t < t1; ++t) {
      const float p = static_cast<float>(pos.i32()[t]) * freq_scale;
      for (int64_t i = 0; i < half; ++i) {
        const float theta = p * inv_freq[i];
        cs[i] = std::cos(theta);
        sn[i] = std::sin(theta);
      }
      for (int64_t h = 0; h < n_heads; ++h) {
        const float* xr = x.f32() + (t * n_heads + h) * head_dim;
        float* dr = a.dst.f32() + (t * n_heads + h) * head_dim;
        for (int64_t i = 0; i < half; ++i) {
          const int64_t i0 = mode == 2 ? i : 2 * i;
          const float x0 = xr[i0], x1 = xr[i0 + pair_stride];
          dr[i0] = x0 * cs[i] - x1 * sn[i];
          dr[i0 + pair_stride] = x0 * sn[i] + x1 * cs[i];
        }
        for (int64_t i = n_dims; i < head_dim; ++i) dr[i] = xr[i];
      }
    }
  };
  if (tokens * n_heads * head_dim < kMinParallelElements || n_threads == 1) {
    rotate(0, tokens, tables);
  } else {
    a.env.pool.run([&](int index, int n) {
      const Range r = split_evenly(tokens, index, n);
      rotate(r.begin, r.end, tables + 2 * half * index);
    });
  }
  return Status::success();
}

} // namespace llmhost::cpu
