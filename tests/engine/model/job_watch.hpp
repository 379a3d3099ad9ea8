// Collects a scheduler job's tokens and completion so a test can wait for them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/model/job.hpp"

namespace llmhost::engine::testing {

class JobWatch {
 public:
  // Wires on_token / on_done of `job` to this watch. `keep_going` decides on_token's answer.
  void attach(Job& job, std::function<bool(size_t n_tokens)> keep_going = {}) {
    job.on_token = [this, keep_going](const TokenOut& t) {
      size_t n;
      {
        std::lock_guard lock(m_);
        tokens_.push_back(t.token);
        if (t.logprobs) logprobs_.push_back(*t.logprobs);
        n = tokens_.size();
      }
      cv_.notify_all();
      return keep_going ? keep_going(n) : true;
    };
    job.on_done = [this](const JobResult& r) {
      {
        std::lock_guard lock(m_);
        result_ = r;
      }
      cv_.notify_all();
    };
  }

  // Waits for completion (generously: these are small models).
  std::optional<JobResult> wait(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    std::unique_lock lock(m_);
    cv_.wait_for(lock, timeout, [&] { return result_.has_value(); });
    return result_;
  }
  bool wait_tokens(size_t n, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, timeout, [&] { return tokens_.size() >= n || result_.has_value(); }) &&
           tokens_.size() >= n;
  }
  std::vector<int32_t> tokens() const {
    std::lock_guard lock(m_);
    return tokens_;
  }
  std::vector<TokenChoiceLogprobs> logprobs() const {
    std::lock_guard lock(m_);
    return logprobs_;
  }

 private:
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::vector<int32_t> tokens_;
  std::vector<TokenChoiceLogprobs> logprobs_;
  std::optional<JobResult> result_;
};

} // namespace llmhost::engine::testing
