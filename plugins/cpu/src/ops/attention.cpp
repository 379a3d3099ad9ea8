// kv_store (rows into the F32 / F16 cache) and causal attention over cache spans with GQA and
// a chunked online softmax, parallel over (token, head) pairs.
#include <algorithm>
#include <cmath>

#include "ops/ops.hpp"
#include "ops/parallel.hpp"

namespace llmhost::cpu {
namespace {

bool is_cache_type(const TensorRef& t) {
  return t.present() && (t.desc->type == TensorType::F32 || t.desc->type == TensorType::F16);
}

} // namespace

Status run_kv_store(const OpArgs& a) {
  const TensorRef &rows = a.src[0], &cache = a.src[1], &cells = a.src[2];
  if (!is_f32(rows)) return op_error(a, "src0 must be F32");
  if (!is_cache_type(cache) || cache.data == nullptr) return op_error(a, "src1 must be a bound F32 or F16 cache");
  const int64_t width = rows.desc->ne[0], m = rows.desc->rows();
  const int64_t n_cells = cache.desc->rows();
  if (cache.desc->ne[0] != width) return op_error(a, "cache row width differs from src0");
  if (!cells.present() || cells.desc->type != TensorType::I32 || cells.desc->elements() != m)
    return op_error(a, "src2 must be I32 cell indices, one per row");
  for (int64_t r = 0; r < m; ++r)
    if (cells.i32()[r] < 0 || cells.i32()[r] >= n_cells) return op_error(a, "cell index out of range");
  for (int64_t r = 0; r < m; ++r) {
    const float* src = rows.f32() + r * width;
    const int64_t cell = cells.i32()[r];
    if (cache.desc->type == TensorType::F32) {
      std::copy(src, src + width, cache.f32() + cell * width);
    } else {
      auto* dst = reinterpret_cast<f16_bits*>(cache.data) + cell * width;
      for (int64_t i = 0; i < width; ++i) dst[i] = f32_to_f16(src[i]);
    }
  }
  return Status::success();
}

Status run_attention(const OpArgs& a) {
  const TensorRef &q = a.src[0], &k = a.src[1], &v = a.src[2], &spans = a.src[3];
  if (!is_f32(q) || !is_f32(a.dst)) return op_error(a, "q and dst must be F32");
  if (!is_cache_type(k) || !is_cache_type(v)) return op_error(a, "K and V caches must be F32 or F16");
  const int64_t head_dim = q.desc->ne[0], n_head = q.desc->ne[1], tokens = q.desc->ne[2] * q.desc->ne[3];
  const int64_t n_head_kv = a.node.iparams[0];
  if (n_head_kv <= 0 || n_head % n_head_kv != 0) return op_error(a, "n_head must be a multiple of n_head_kv");
  const int64_t kv_width = head_dim * n_head_kv;
  if (k.desc->ne[0] != kv_width || v.desc->ne[0] != kv_width || k.desc->rows() != v.desc->rows())
    return op_error(a, "K / V caches must be [head_dim * n_head_kv, n_cells]");
  if (a.dst.desc->elements() != head_dim * n_head * tokens) return op_error(a, "dst must be [head_dim * n_head, M]");
  if (!spans.present() || spans.desc->type != TensorType::I32 || spans.desc->elements() != 2 * tokens)
    return op_error(a, "src3 must be I32 spans [2, M]");
  const int64_t n_cells = k.desc->rows();
  for (int64_t t = 0; t < tokens; ++t) {
    const int32_t b = spans.i32()[2 * t], e = spans.i32()[2 * t + 1];
    if (b < 0 || e < b || e > n_cells) return op_error(a, "span out of the cache's range");
  }
  const float scale = a.node.fparams[0];
  const int64_t group = n_head / n_head_kv;
  const int64_t work = tokens * n_head;
  // Online softmax over chunks of cells (as flash attention does): each chunk's scores are
  // exponentiated together against the running maximum, and the accumulator is rescaled only
  // when a chunk raises that maximum.
  constexpr int64_t kChunk = 128;
  const int n_threads = a.env.pool.size();
  const int64_t per_thread = kChunk + head_dim;
  float* scratch = reinterpret_cast<float*>(a.env.scratch.get(sizeof(float) * per_thread * n_threads));
  const KernelSet& kern = a.env.kernels;
  const bool f16_k = k.desc->type == TensorType::F16, f16_v = v.desc->type == TensorType::F16;
  auto body = [&](int index, int n) {
    const Range r = split_evenly(work, index, n);
    float* scores = scratch + per_thread * index;
    float* acc = scores + kChunk;
    for (int64_t w = r.begin; w < r.end; ++w) {
      const int64_t t = w / n_head, h = w % n_head, kvh = h / group;
      const float* qr = q.f32() + (t * n_head + h) * head_dim;
      float* out = a.dst.f32() + (t * n_head + h) * head_dim;
      const int64_t begin = spans.i32()[2 * t], end = spans.i32()[2 * t + 1];
      std::fill(acc, acc + head_dim, 0.0f);
      float max = -INFINITY, sum = 0.0f;
      for (int64_t c0 = begin; c0 < end; c0 += kChunk) {
        const int64_t count = std::min(kChunk, end - c0);
        float chunk_max = max;
        for (int64_t j = 0; j < count; ++j) {
          const int64_t at = (c0 + j) * kv_width + kvh * head_dim;
          scores[j] = scale * (f16_k ? kern.dot_f16(qr, reinterpret_cast<const f16_bits*>(k.data) + at, head_dim)
                                     : kern.dot_f32(qr, k.f32() + at, head_dim));
          chunk_max = std::max(chunk_max, scores[j]);
        }
        if (chunk_max > max) {
          const float keep = std::exp(max - chunk_max); // 0 for the first chunk
          for (int64_t i = 0; i < head_dim; ++i) acc[i] *= keep;
          sum *= keep;
          max = chunk_max;
        }
        sum += kern.exp_shifted(scores, count, max);
        for (int64_t j = 0; j < count; ++j) {
          const int64_t at = (c0 + j) * kv_width + kvh * head_dim;
          if (f16_v) kern.scale_add_f16(acc, 1.0f, scores[j], reinterpret_cast<const f16_bits*>(v.data) + at, head_dim);
          else kern.scale_add_f32(acc, 1.0f, scores[j], v.f32() + at, head_dim);
        }
      }
      const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
      for (int64_t i = 0; i < head_dim; ++i) out[i] = acc[i] * inv;
    }
  };
  if (work * head_dim < kMinParallelElements / 4) body(0, 1);
  else a.env.pool.run(body);
  return Status::success();
}

} // namespace llmhost::cpu
