#include "ops/mul_mat_packed.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace llmhost::cpu {
namespace {

constexpr int64_t kTileRows = 32; // weight rows unpacked together (stay in L2 while all columns pass)

int64_t round_up(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

} // namespace

void mul_mat_packed(OpEnv& env, TensorType type, const std::byte* weight, size_t weight_row_bytes, const float* x,
                    float* dst, int64_t k, int64_t n, int64_t m) {
  ThreadPool& pool = env.pool;
  const size_t row = packed_row_bytes(k);
  const int64_t m_padded = round_up(m, kGemmCols);
  const size_t act_bytes = row * static_cast<size_t>(m_padded);
  const size_t tile_bytes = row * static_cast<size_t>(kTileRows);
  std::byte* scratch = env.scratch.get(act_bytes + tile_bytes * static_cast<size_t>(pool.size()));
  std::byte* acts = scratch;
  // Padding columns are all zero (scale 0): they add nothing and are never stored.
  std::memset(acts + row * static_cast<size_t>(m), 0, row * static_cast<size_t>(m_padded - m));

  const bool has_offset = packed_type_has_offset(type);
  const GemmFn gemm = env.kernels.gemm;
  const int64_t row_tiles = (n + kTileRows - 1) / kTileRows;
  std::atomic<int64_t> next_tile{0};
  pool.run([&](int index, int n_threads) {
    const Range cols = split_evenly(m, index, n_threads);
    for (int64_t c = cols.begin; c < cols.end; ++c) pack_activation_row(x + c * k, k, acts + row * static_cast<size_t>(c));
  });
  pool.run([&](int index, int) {
    std::byte* tile = scratch + act_bytes + tile_bytes * static_cast<size_t>(index);
    float block[kGemmRows * kGemmCols];
    for (int64_t t = next_tile.fetch_add(1); t < row_tiles; t = next_tile.fetch_add(1)) {
      const int64_t r0 = t * kTileRows, rows = std::min(kTileRows, n - r0);
      const int64_t rows_padded = round_up(rows, kGemmRows);
      for (int64_t r = 0; r < rows; ++r)
        env.kernels.pack_weight(type, weight + static_cast<size_t>(r0 + r) * weight_row_bytes, k, tile + row * static_cast<size_t>(r));
      std::memset(tile + row * static_cast<size_t>(rows), 0, row * static_cast<size_t>(rows_padded - rows));
      for (int64_t c = 0; c < m; c += kGemmCols) {
        for (int64_t r = 0; r < rows_padded; r += kGemmRows) {
          gemm(k, tile + row * static_cast<size_t>(r), row, acts + row * static_cast<size_t>(c), row, has_offset, block,
               kGemmRows);
          const int64_t valid_rows = std::min<int64_t>(kGemmRows, rows - r), valid_cols = std::min<int64_t>(kGemmCols, m - c);
          for (int64_t j = 0; j < valid_cols; ++j)
            std::memcpy(dst + (c + j) * n + r0 + r, block + j * kGemmRows, sizeof(float) * static_cast<size_t>(valid_rows));
        }
      }
    }
  });
}

} // namespace llmhost::cpu
