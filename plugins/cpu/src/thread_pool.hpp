// Persistent worker threads for the ops of a step. The calling thread is worker 0; the others
// spin briefly waiting for the next job (ops follow each other quickly), then sleep.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace llmhost::cpu {

class ThreadPool {
 public:
  using Job = std::function<void(int thread_index, int n_threads)>;

  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return n_threads_; }
  // Runs job(i, size()) for every i in [0, size()) concurrently; returns when all are done.
  // Not reentrant: one run at a time.
  void run(const Job& job);

 private:
  void worker_loop(int index);

  int n_threads_;
  std::vector<std::thread> threads_;
  const Job* job_ = nullptr;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  int sleeping_ = 0; // guarded by mutex_
};

// The half-open range [begin, end) that thread `index` of `n` takes of `total` items.
struct Range {
  int64_t begin;
  int64_t end;
};
inline Range split_evenly(int64_t total, int index, int n) {
  const int64_t per = total / n, rest = total % n;
  const int64_t begin = index * per + (index < rest ? index : rest);
  return {begin, begin + per + (index < rest ? 1 : 0)};
}

} // namespace llmhost::cpu
