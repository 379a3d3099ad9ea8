// Persistent worker threads for the ops of a step. The calling thread is worker 0; the others
// spin briefly waiting for the next job (ops follow each other quickly), then sleep.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <type_traits>
#include <mutex>
#include <thread>
#include <vector>

namespace llmhost::cpu {

class ThreadPool {
 public:
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return n_threads_; }
  // Runs job(i, size()) for every i in [0, size()) concurrently; returns when all are done.
  // Not reentrant: one run at a time. The job is called through a plain pointer (no
  // std::function), so running an op allocates nothing.
  template <typename Fn>
  void run(Fn&& job) {
    using F = std::remove_reference_t<Fn>;
    run_erased(const_cast<void*>(static_cast<const void*>(&job)),
               [](void* ctx, int index, int n) { (*static_cast<F*>(ctx))(index, n); });
  }

 private:
  using Trampoline = void (*)(void* ctx, int index, int n);
  void run_erased(void* ctx, Trampoline call);
  void worker_loop(int index);

  int n_threads_;
  std::vector<std::thread> threads_;
  void* job_ctx_ = nullptr;
  Trampoline job_call_ = nullptr;
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
