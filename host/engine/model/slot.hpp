// Scheduler internals: one sequence slot of the KV cache and the job it serves.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "engine/model/job_state.hpp"
#include "engine/sampler/sampler.hpp"

namespace llmhost::engine::detail {

struct Slot {
  enum class Phase { idle, prompt, generate };

  int32_t index = 0;
  Phase phase = Phase::idle;
  // Tokens whose K/V sit in this slot's cells [0, cached.size()); kept after a job ends so a
  // later prompt that extends them skips recomputing them.
  std::vector<int32_t> cached;

  std::shared_ptr<JobState> job;
  std::optional<sampling::Sampler> sampler;
  std::vector<int32_t> prompt; // after truncation
  int32_t pending = -1;        // sampled token not yet fed (generate phase)
  JobResult result;            // counts and timings so far

  bool busy() const { return phase != Phase::idle; }
};

} // namespace llmhost::engine::detail
