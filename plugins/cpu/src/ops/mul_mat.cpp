// mul_mat: dst[m][n] = dot(weight row n, activation row m). Activations are quantized once per
// op (Q8_0 / Q8_K) so the kernels use integer dot products. Decode (few activation rows) hands
// out chunks of weight rows to the threads: it is bound by memory bandwidth. Prompts walk tiles of
// weight rows x activation rows so each unpacked weight block serves several activation rows
// while both stay in cache.
#include <algorithm>
#include <atomic>

#include "ops/mul_mat_packed.hpp"
#include "ops/ops.hpp"

namespace llmhost::cpu {
namespace {

constexpr int64_t kTileRows = 16;    // weight rows per tile
constexpr int64_t kTileCols = 64;    // activation rows per tile
constexpr int64_t kSmallBatch = 2 * kMaxDotCols;

struct MulMatPlan {
  const std::byte* weight;
  size_t weight_row_bytes;
  const std::byte* act;
  size_t act_row_bytes;
  float* dst;
  int64_t k, n, m;
  DotFn dot;
};

// Weight rows [r0, r1) against activation rows [c0, c1).
void run_block(const MulMatPlan& p, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  for (int64_t r = r0; r < r1; ++r) {
    const std::byte* w = p.weight + static_cast<size_t>(r) * p.weight_row_bytes;
    for (int64_t c = c0; c < c1; c += kMaxDotCols) {
      const int nc = static_cast<int>(std::min<int64_t>(kMaxDotCols, c1 - c));
      p.dot(p.k, w, p.act + static_cast<size_t>(c) * p.act_row_bytes, p.act_row_bytes, nc,
            p.dst + c * p.n + r, static_cast<size_t>(p.n));
    }
  }
}

} // namespace

Status run_mul_mat(const OpArgs& a) {
  const TensorRef &w = a.src[0], &x = a.src[1];
  if (!w.present() || !is_f32(x) || !is_f32(a.dst)) return op_error(a, "needs a weight, F32 src1 and F32 dst");
  const WeightKernel* kernel = a.env.kernels.find(w.desc->type);
  if (!kernel) return op_error(a, "unsupported weight type " + std::string(type_name(w.desc->type)));
  const int64_t k = w.desc->ne[0], n = w.desc->rows(), m = x.desc->rows();
  if (x.desc->ne[0] != k) return op_error(a, "src1 row length differs from the weight's");
  if (a.dst.desc->ne[0] != n || a.dst.desc->rows() != m) return op_error(a, "dst must be [N, M]");
  const auto w_row = row_bytes(w.desc->type, k), act_row = row_bytes(kernel->act_type, k);
  if (!w_row || !act_row) return op_error(a, "row length is not a whole number of blocks");
  if (m == 0 || n == 0) return Status::success();

  if (uses_packed_gemm(a.env.kernels, w.desc->type, k, m)) {
    mul_mat_packed(a.env, w.desc->type, w.data, *w_row, x.f32(), a.dst.f32(), k, n, m);
    return Status::success();
  }
  ThreadPool& pool = a.env.pool;
  MulMatPlan plan{w.data, *w_row, x.data, *act_row, a.dst.f32(), k, n, m, kernel->dot};
  QuantizeFn quantize =
      kernel->act_type == TensorType::Q8_K ? a.env.kernels.quantize_q8_k : a.env.kernels.quantize_q8_0;
  const DecodeKernel& decode = kernel->decode;
  const size_t decode_row = m <= kSmallBatch && decode.dot ? decode.act_bytes(k) : 0;
  if (decode_row != 0) {
    plan.dot = decode.dot;
    plan.act_row_bytes = decode_row;
    quantize = decode.prepare;
  }
  if (kernel->act_type != TensorType::F32 || decode_row != 0) {
    const size_t q_row = plan.act_row_bytes;
    std::byte* q = a.env.scratch.get(q_row * static_cast<size_t>(m));
    auto quantize_rows = [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) quantize(x.f32() + r * k, q + static_cast<size_t>(r) * q_row, k);
    };
    if (m * k < 65536) {
      quantize_rows(0, m);
    } else {
      pool.run([&](int i, int nt) {
        const Range r = split_evenly(m, i, nt);
        quantize_rows(r.begin, r.end);
      });
    }
    plan.act = q;
  }

  if (m <= kSmallBatch) {
    // Memory-bound: every thread streams its own share of the weight rows once.
    if (n * k < 65536 || pool.size() == 1) {
      run_block(plan, 0, n, 0, m);
      return Status::success();
    }
    // Threads take contiguous chunks from a shared counter, so one that gets less of the CPU
    // (another process on its core) does less of the op instead of holding the others up.
    const int64_t chunk = std::max<int64_t>(32, n / (8 * pool.size()));
    std::atomic<int64_t> next_row{0};
    pool.run([&](int, int) {
      for (int64_t r = next_row.fetch_add(chunk); r < n; r = next_row.fetch_add(chunk))
        run_block(plan, r, std::min(n, r + chunk), 0, m);
    });
    return Status::success();
  }

  const int64_t row_tiles = (n + kTileRows - 1) / kTileRows;
  const int64_t col_tiles = (m + kTileCols - 1) / kTileCols;
  std::atomic<int64_t> next{0};
  pool.run([&](int, int) {
    for (int64_t t = next.fetch_add(1); t < row_tiles * col_tiles; t = next.fetch_add(1)) {
      const int64_t rt = t / col_tiles, ct = t % col_tiles;
      run_block(plan, rt * kTileRows, std::min(n, (rt + 1) * kTileRows), ct * kTileCols,
                std::min(m, (ct + 1) * kTileCols));
    }
  });
  return Status::success();
}

} // namespace llmhost::cpu
