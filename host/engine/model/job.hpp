// A generation job as the scheduler takes it, and what it reports back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/sampler/sampler_config.hpp"
#include "llmhost/events.hpp"

namespace llmhost::engine {

enum class FinishReason { stop, length, cancelled, error };
const char* finish_reason_name(FinishReason reason);

struct TokenOut {
  int32_t token = 0;
  const TokenChoiceLogprobs* logprobs = nullptr; // set when the job asked for logprobs
};

struct JobResult {
  FinishReason reason = FinishReason::stop;
  std::string message;        // why, for error and cancelled
  int64_t prompt_eval_ns = 0; // wall time of the steps that processed this job's prompt
  int64_t eval_ns = 0;        // wall time of the steps that generated its tokens
  int32_t prompt_tokens = 0;  // after truncation
  int32_t cached_tokens = 0;  // prompt tokens reused from the slot's cache
  int32_t generated = 0;      // tokens passed to on_token
};

struct Job {
  std::vector<int32_t> prompt;
  sampling::SamplerConfig sampler;
  int32_t max_tokens = -1;           // -1: until the slot's context is full
  std::vector<int32_t> stop_tokens;  // end-of-generation ids; never passed to on_token
  bool logprobs = false;             // fill TokenOut::logprobs (see SamplerConfig::top_logprobs)
  // A prompt longer than the slot's context is refused, unless `truncate`: then the first
  // `num_keep` tokens and the tail are kept, leaving half of the rest of the context free.
  bool truncate = false;
  int32_t num_keep = 0;
  // Called on the scheduler's thread for each generated token; return false to stop (client
  // gone: the job finishes as cancelled).
  std::function<bool(const TokenOut&)> on_token;
  // Called once, on the scheduler's thread, when the job ends for any reason.
  std::function<void(const JobResult&)> on_done;
};

namespace detail {
struct JobState;
}

// Lets the submitter cancel a job from any thread. Copyable; safe to outlive the scheduler.
class JobHandle {
 public:
  JobHandle() = default;
  explicit JobHandle(std::shared_ptr<detail::JobState> state) : state_(std::move(state)) {}
  // Stops the job at the next step boundary and frees its slot; on_done reports cancelled.
  void cancel();
  bool done() const;

 private:
  std::shared_ptr<detail::JobState> state_;
};

} // namespace llmhost::engine
