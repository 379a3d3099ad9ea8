// Scheduler internals shared with JobHandle: a job's state and the scheduler's inbox.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "engine/model/job.hpp"

namespace llmhost::engine::detail {

// The part of the scheduler that HTTP threads touch, guarded by `mutex`.
struct Inbox {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::shared_ptr<JobState>> queue;
  int32_t n_active = 0; // jobs holding a slot
  bool stopping = false;
};

struct JobState {
  Job job;
  std::atomic<bool> cancel_requested{false};
  std::atomic<bool> finished{false};
  std::weak_ptr<Inbox> inbox;
};

} // namespace llmhost::engine::detail
