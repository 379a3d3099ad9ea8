#include "engine/model/job.hpp"

#include "engine/model/job_state.hpp"

namespace llmhost::engine {

const char* finish_reason_name(FinishReason reason) {
  switch (reason) {
    case FinishReason::stop: return "stop";
    case FinishReason::length: return "length";
    case FinishReason::cancelled: return "cancelled";
    case FinishReason::error: return "error";
  }
  return "unknown";
}

void JobHandle::cancel() {
  if (!state_) return;
  state_->cancel_requested = true;
  if (auto inbox = state_->inbox.lock()) {
    std::lock_guard lock(inbox->mutex); // so a waiting worker cannot miss the wake-up
    inbox->wake.notify_all();
  }
}

bool JobHandle::done() const { return state_ && state_->finished; }

} // namespace llmhost::engine
