// Continuous batching over a fixed number of slots of one loaded model.
//
// A worker thread runs steps. Each step batches one decode token of every generating slot and
// fills the rest of the batch (num_batch tokens) with prompt chunks of the slots still reading
// their prompts, taking them in turn. New jobs join between steps; a job whose prompt extends
// the tokens cached in an idle slot reuses them. submit() and JobHandle::cancel() are safe from
// any thread; the callbacks run on the worker thread.
#pragma once

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "engine/model/job.hpp"
#include "engine/model/kv_cache.hpp"
#include "engine/model/model.hpp"

namespace llmhost::engine {

namespace detail {
struct Inbox;
struct Slot;
} // namespace detail

class StepRunner;
struct Batch;

struct SchedulerConfig {
  int32_t n_slots = 1;       // parallel sequences
  int32_t n_ctx = 0;         // context per slot; 0: the model's training context, at most 4096
  int32_t n_batch = 512;     // tokens per step (prompt chunking)
  int32_t max_queue = 64;    // jobs waiting for a slot before submit() reports overloaded
  TensorType kv_type = TensorType::F16;
};

// The per-slot context `config` gives for `hp` (resolves n_ctx = 0).
int32_t resolved_n_ctx(const SchedulerConfig& config, const HParams& hp);

struct SchedulerStats {
  int32_t n_slots = 0;
  int32_t active = 0;
  int32_t queued = 0;
};

class Scheduler {
 public:
  // Allocates the KV cache on the model's device and starts the worker thread.
  static Result<std::unique_ptr<Scheduler>> create(std::shared_ptr<const Model> model, SchedulerConfig config);
  // Cancels queued and running jobs (their on_done reports cancelled) and joins the worker.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Queues a job. Errors: invalid_request (empty prompt, token out of range, prompt longer
  // than the context without truncation), overloaded (every slot busy and the queue full).
  Result<JobHandle> submit(Job job);

  SchedulerStats stats() const;
  const SchedulerConfig& config() const { return config_; }
  const Model& model() const { return *model_; }

 private:
  Scheduler() = default;
  void run();
  bool take_work();                  // waits for work; false when stopping
  void retire_cancelled();
  void assign_queued_jobs();
  void step();
  Batch collect_batch(std::vector<int32_t>& prompt_slots_fed);
  void finish(detail::Slot& slot, FinishReason reason, std::string message = {});
  void shut_down_jobs();

  std::shared_ptr<const Model> model_;
  SchedulerConfig config_;
  std::unique_ptr<StepRunner> runner_;
  std::shared_ptr<detail::Inbox> inbox_;
  std::vector<detail::Slot> slots_; // touched by the worker only
  size_t next_prompt_slot_ = 0;     // round-robin start for prompt chunks
  std::thread worker_;
};

} // namespace llmhost::engine
