// Splitting an op's rows over the pool; small ops run on the calling thread, where waking the
// workers would cost more than the work.
#pragma once

#include <cstdint>

#include "thread_pool.hpp"

namespace llmhost::cpu {

inline constexpr int64_t kMinParallelElements = 16384;

template <typename Fn> // fn(row_begin, row_end)
void parallel_rows(ThreadPool& pool, int64_t rows, int64_t elements_per_row, Fn&& fn) {
  if (rows <= 1 || rows * elements_per_row < kMinParallelElements || pool.size() == 1) {
    fn(int64_t{0}, rows);
    return;
  }
  pool.run([&](int index, int n) {
    const Range r = split_evenly(rows, index, n);
    if (r.begin < r.end) fn(r.begin, r.end);
  });
}

} // namespace llmhost::cpu
