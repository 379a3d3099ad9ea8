#include "engine/model/scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>

#include <spdlog/spdlog.h>

#include "engine/model/batch.hpp"
#include "engine/model/job_state.hpp"
#include "engine/model/prompt_fit.hpp"
#include "engine/model/slot.hpp"
#include "engine/model/step_runner.hpp"

namespace llmhost::engine {

using detail::Slot;

int32_t resolved_n_ctx(const SchedulerConfig& config, const HParams& hp) {
  if (config.n_ctx > 0) return config.n_ctx;
  return static_cast<int32_t>(std::min<int64_t>(hp.n_ctx_train, 4096));
}

Result<std::unique_ptr<Scheduler>> Scheduler::create(std::shared_ptr<const Model> model, SchedulerConfig config) {
  if (!model) return Status::error(ErrorCode::invalid_request, "no model given");
  if (config.n_slots < 1) return Status::error(ErrorCode::invalid_request, "parallel slots must be at least 1");
  if (config.n_batch < 1) return Status::error(ErrorCode::invalid_request, "num_batch must be at least 1");
  if (config.max_queue < 0) return Status::error(ErrorCode::invalid_request, "queue length must not be negative");
  config.n_ctx = resolved_n_ctx(config, model->hparams());

  auto runner = StepRunner::create(model, KvCacheConfig{config.n_slots, config.n_ctx, config.kv_type});
  if (!runner) return runner.status();

  std::unique_ptr<Scheduler> s(new Scheduler());
  s->model_ = std::move(model);
  s->config_ = config;
  s->runner_ = std::move(runner.value());
  s->inbox_ = std::make_shared<detail::Inbox>();
  s->slots_.resize(static_cast<size_t>(config.n_slots));
  for (size_t i = 0; i < s->slots_.size(); ++i) s->slots_[i].index = static_cast<int32_t>(i);
  s->worker_ = std::thread([raw = s.get()] { raw->run(); });
  return s;
}

Scheduler::~Scheduler() {
  {
    std::lock_guard lock(inbox_->mutex);
    inbox_->stopping = true;
  }
  inbox_->wake.notify_all();
  if (worker_.joinable()) worker_.join();
}

Result<JobHandle> Scheduler::submit(Job job) {
  auto prompt = fit_prompt(job.prompt, config_.n_ctx, model_->hparams().n_vocab, job.truncate, job.num_keep);
  if (!prompt) return prompt.status();
  job.prompt = std::move(prompt.value());

  auto state = std::make_shared<detail::JobState>();
  state->job = std::move(job);
  state->inbox = inbox_;
  {
    std::lock_guard lock(inbox_->mutex);
    if (inbox_->stopping) return Status::error(ErrorCode::overloaded, "the model is shutting down");
    const auto waiting = static_cast<int32_t>(inbox_->queue.size());
    if (waiting + inbox_->n_active >= config_.n_slots + config_.max_queue)
      return Status::error(ErrorCode::overloaded, "all " + std::to_string(config_.n_slots) +
                                                      " slots are busy and the queue is full; retry later");
    inbox_->queue.push_back(state);
  }
  inbox_->wake.notify_all();
  return JobHandle(state);
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard lock(inbox_->mutex);
  return SchedulerStats{config_.n_slots, inbox_->n_active, static_cast<int32_t>(inbox_->queue.size())};
}

void Scheduler::run() {
  while (take_work()) {
    retire_cancelled();
    assign_queued_jobs();
    step();
  }
  shut_down_jobs();
}

bool Scheduler::take_work() {
  std::unique_lock lock(inbox_->mutex);
  inbox_->wake.wait(lock, [&] { return inbox_->stopping || !inbox_->queue.empty() || inbox_->n_active > 0; });
  return !inbox_->stopping;
}

namespace {

void report(detail::JobState& state, const JobResult& result) {
  state.finished = true;
  if (!state.job.on_done) return;
  try {
    state.job.on_done(result);
  } catch (const std::exception& e) {
    spdlog::warn("scheduler: on_done callback threw: {}", e.what());
  } catch (...) {
    spdlog::warn("scheduler: on_done callback threw");
  }
}

} // namespace

void Scheduler::retire_cancelled() {
  std::vector<std::shared_ptr<detail::JobState>> dropped;
  {
    std::lock_guard lock(inbox_->mutex);
    auto& q = inbox_->queue;
    for (auto it = q.begin(); it != q.end();) {
      if ((*it)->cancel_requested) {
        dropped.push_back(std::move(*it));
        it = q.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& state : dropped) {
    JobResult r;
    r.reason = FinishReason::cancelled;
    r.message = "cancelled while queued";
    r.prompt_tokens = static_cast<int32_t>(state->job.prompt.size());
    report(*state, r);
  }
  for (Slot& slot : slots_)
    if (slot.busy() && slot.job->cancel_requested) finish(slot, FinishReason::cancelled, "cancelled");
}

void Scheduler::assign_queued_jobs() {
  while (true) {
    std::shared_ptr<detail::JobState> state;
    Slot* best = nullptr;
    size_t best_prefix = 0;
    {
      std::lock_guard lock(inbox_->mutex);
      if (inbox_->queue.empty()) return;
      const std::vector<int32_t>& prompt = inbox_->queue.front()->job.prompt;
      for (Slot& slot : slots_) {
        if (slot.busy()) continue;
        const size_t prefix = common_prefix(slot.cached, prompt);
        // Ties go to the slot with less cached, keeping longer (likelier reused) prefixes.
        if (!best || prefix > best_prefix || (prefix == best_prefix && slot.cached.size() < best->cached.size())) {
          best = &slot;
          best_prefix = prefix;
        }
      }
      if (!best) return;
      state = std::move(inbox_->queue.front());
      inbox_->queue.pop_front();
      ++inbox_->n_active;
    }

    Slot& slot = *best;
    const Job& job = state->job;
    // Recompute at least the last prompt token: its logits pick the first new token.
    const size_t reuse = std::min(best_prefix, job.prompt.size() - 1);
    slot.cached.resize(reuse);
    slot.job = std::move(state);
    slot.phase = Slot::Phase::prompt;
    slot.prompt = job.prompt;
    slot.pending = -1;
    sampling::SamplerConfig sampler_config = job.sampler;
    sampler_config.logprobs = sampler_config.logprobs || job.logprobs;
    slot.sampler.emplace(std::move(sampler_config));
    slot.sampler->reset(job.prompt);
    slot.result = JobResult{};
    slot.result.prompt_tokens = static_cast<int32_t>(job.prompt.size());
    slot.result.cached_tokens = static_cast<int32_t>(reuse);
    spdlog::debug("scheduler: job on slot {} ({} prompt tokens, {} cached)", slot.index, job.prompt.size(), reuse);
  }
}

Batch Scheduler::collect_batch(std::vector<int32_t>& prompt_slots_fed) {
  Batch batch;
  for (Slot& slot : slots_)
    if (slot.phase == Slot::Phase::generate)
      batch.add(slot.pending, static_cast<int32_t>(slot.cached.size()), slot.index, true);

  // Prompt chunks fill what is left of num_batch, slots taken in turn so none starves.
  int64_t budget = std::max<int64_t>(0, config_.n_batch - static_cast<int64_t>(batch.size()));
  if (budget == 0) budget = 1; // decodes alone exceed num_batch: still let prompts move
  const size_t n = slots_.size();
  for (size_t k = 0; k < n && budget > 0; ++k) {
    Slot& slot = slots_[(next_prompt_slot_ + k) % n];
    if (slot.phase != Slot::Phase::prompt) continue;
    const size_t from = slot.cached.size();
    const size_t take = std::min<size_t>(static_cast<size_t>(budget), slot.prompt.size() - from);
    for (size_t i = from; i < from + take; ++i)
      batch.add(slot.prompt[i], static_cast<int32_t>(i), slot.index, i + 1 == slot.prompt.size());
    budget -= static_cast<int64_t>(take);
    prompt_slots_fed.push_back(slot.index);
  }
  next_prompt_slot_ = (next_prompt_slot_ + 1) % n;
  return batch;
}

void Scheduler::step() {
  std::vector<int32_t> prompt_slots_fed;
  Batch batch = collect_batch(prompt_slots_fed);
  if (batch.empty()) return;

  const auto t0 = std::chrono::steady_clock::now();
  Result<Logits> logits = Status::error(ErrorCode::internal, "step not run");
  try {
    logits = runner_->decode(batch);
  } catch (const std::exception& e) {
    logits = Status::error(ErrorCode::internal, std::string("step failed: ") + e.what());
  }
  const int64_t elapsed =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();

  if (!logits) {
    spdlog::error("scheduler: step of {} tokens failed: {}", batch.size(), logits.status().message);
    for (Slot& slot : slots_) {
      if (!slot.busy()) continue;
      slot.cached.clear(); // the cache contents of this step are unknown
      finish(slot, FinishReason::error, logits.status().message);
    }
    return;
  }

  // The cache now holds every batch token; charge the step's time to each slot in it.
  for (const BatchToken& t : batch.tokens) {
    Slot& slot = slots_[static_cast<size_t>(t.slot)];
    slot.cached.resize(static_cast<size_t>(t.pos));
    slot.cached.push_back(t.id);
  }
  for (Slot& slot : slots_) {
    if (slot.phase == Slot::Phase::generate) slot.result.eval_ns += elapsed;
  }
  for (int32_t index : prompt_slots_fed) slots_[static_cast<size_t>(index)].result.prompt_eval_ns += elapsed;

  size_t row = 0;
  for (const BatchToken& t : batch.tokens) {
    if (!t.logits) continue;
    Slot& slot = slots_[static_cast<size_t>(t.slot)];
    const std::span<const float> slot_logits = logits->row(row++);
    slot.phase = Slot::Phase::generate;

    const Job& job = slot.job->job;
    TokenChoiceLogprobs lp;
    const int32_t token = slot.sampler->sample(slot_logits, job.logprobs ? &lp : nullptr);
    slot.sampler->accept(token);
    if (std::find(job.stop_tokens.begin(), job.stop_tokens.end(), token) != job.stop_tokens.end()) {
      finish(slot, FinishReason::stop);
      continue;
    }
    if (job.max_tokens == 0) {
      finish(slot, FinishReason::length);
      continue;
    }
    ++slot.result.generated;
    bool keep_going = true;
    if (job.on_token) {
      try {
        keep_going = job.on_token(TokenOut{token, job.logprobs ? &lp : nullptr});
      } catch (...) {
        keep_going = false;
      }
    }
    if (!keep_going || slot.job->cancel_requested) {
      finish(slot, FinishReason::cancelled, "the client stopped the generation");
    } else if (job.max_tokens >= 0 && slot.result.generated >= job.max_tokens) {
      finish(slot, FinishReason::length);
    } else if (static_cast<int32_t>(slot.cached.size()) >= config_.n_ctx) {
      finish(slot, FinishReason::length, "the context is full");
    } else {
      slot.pending = token;
    }
  }
}

void Scheduler::finish(Slot& slot, FinishReason reason, std::string message) {
  std::shared_ptr<detail::JobState> state = std::move(slot.job);
  JobResult result = slot.result;
  result.reason = reason;
  result.message = std::move(message);
  slot.job.reset();
  slot.phase = Slot::Phase::idle;
  slot.pending = -1;
  slot.sampler.reset();
  {
    std::lock_guard lock(inbox_->mutex);
    --inbox_->n_active;
  }
  if (state) report(*state, result);
}

void Scheduler::shut_down_jobs() {
  for (Slot& slot : slots_)
    if (slot.busy()) finish(slot, FinishReason::cancelled, "the model was unloaded");
  std::deque<std::shared_ptr<detail::JobState>> queued;
  {
    std::lock_guard lock(inbox_->mutex);
    queued.swap(inbox_->queue);
  }
  for (auto& state : queued) {
    JobResult r;
    r.reason = FinishReason::cancelled;
    r.message = "the model was unloaded";
    report(*state, r);
  }
}

} // namespace llmhost::engine
