#include "ops/mul_mat_packed.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

namespace llmhost::cpu {
namespace {

constexpr int64_t kTileRows = kGemmPanels * kPanelRows; // weight rows packed together (one register block)

size_t round_up(size_t v, size_t to) { return (v + to - 1) / to * to; }

} // namespace

void mul_mat_packed(OpEnv& env, TensorType type, const std::byte* weight, size_t weight_row_bytes, const float* x,
                    float* dst, int64_t k, int64_t n, int64_t m) {
  ThreadPool& pool = env.pool;
  const int64_t group = panel_group(type);
  const size_t act_row = panel_act_row_bytes(k, group);
  const int64_t m_padded = static_cast<int64_t>(round_up(static_cast<size_t>(m), kGemmCols));
  const size_t act_bytes = round_up(act_row * static_cast<size_t>(m_padded), 64);
  const size_t row = packed_row_bytes(k);
  const size_t panel = panel_bytes(k, group);
  // Per thread: the tile's packed rows, then its panels; rounded to cache lines (no false sharing).
  const size_t rows_bytes = round_up(row * static_cast<size_t>(kTileRows), 64);
  const size_t per_thread = rows_bytes + panel * kGemmPanels;
  std::byte* raw = env.scratch.get(act_bytes + per_thread * static_cast<size_t>(pool.size()) + 64);
  // The kernel's panel loads are aligned: start on a cache line.
  std::byte* scratch = raw + (64 - reinterpret_cast<uintptr_t>(raw) % 64) % 64;
  std::byte* acts = scratch;
  // Padding columns are all zero (scale 0): they add nothing and are never stored.
  std::memset(acts + act_row * static_cast<size_t>(m), 0, act_row * static_cast<size_t>(m_padded - m));

  const bool has_offset = packed_type_has_offset(type);
  const GemmFn gemm = env.kernels.gemm;
  const int64_t row_tiles = (n + kTileRows - 1) / kTileRows;
  std::atomic<int64_t> next_tile{0};
  pool.run([&](int index, int n_threads) {
    const Range cols = split_evenly(m, index, n_threads);
    for (int64_t c = cols.begin; c < cols.end; ++c)
      pack_activation_panel_row(x + c * k, k, group, acts + act_row * static_cast<size_t>(c));
  });
  pool.run([&](int index, int) {
    std::byte* rows_buf = scratch + act_bytes + per_thread * static_cast<size_t>(index);
    std::byte* panels = rows_buf + rows_bytes;
    for (int64_t t = next_tile.fetch_add(1); t < row_tiles; t = next_tile.fetch_add(1)) {
      const int64_t r0 = t * kTileRows, rows = std::min(kTileRows, n - r0);
      for (int64_t r = 0; r < rows; ++r)
        env.kernels.pack_weight(type, weight + static_cast<size_t>(r0 + r) * weight_row_bytes, k,
                                rows_buf + row * static_cast<size_t>(r));
      for (int p = 0; p < kGemmPanels; ++p) {
        const int panel_rows = static_cast<int>(std::clamp<int64_t>(rows - p * kPanelRows, 0, kPanelRows));
        build_weight_panel(rows_buf + row * static_cast<size_t>(p * kPanelRows), row, panel_rows, k, group,
                           panels + panel * static_cast<size_t>(p));
      }
      for (int64_t c = 0; c < m; c += kGemmCols) {
        const int valid_cols = static_cast<int>(std::min<int64_t>(kGemmCols, m - c));
        gemm(k, group, panels, panel, acts + act_row * static_cast<size_t>(c), act_row, has_offset, dst + c * n + r0,
             static_cast<size_t>(n), static_cast<int>(rows), valid_cols);
      }
    }
  });
}

} // namespace llmhost::cpu
