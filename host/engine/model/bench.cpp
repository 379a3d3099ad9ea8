#include "engine/model/bench.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "engine/model/step_runner.hpp"

namespace llmhost::engine {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

BenchStat summarize(std::vector<double> samples) {
  BenchStat s;
  if (samples.empty()) return s;
  s.mean_tps = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
  if (samples.size() > 1) {
    double sq = 0;
    for (double v : samples) sq += (v - s.mean_tps) * (v - s.mean_tps);
    s.stddev_tps = std::sqrt(sq / static_cast<double>(samples.size() - 1));
  }
  s.samples_tps = std::move(samples);
  return s;
}

// Seconds to process `tokens` as one batch at positions [0, n).
Result<double> time_prompt(StepRunner& runner, const std::vector<int32_t>& tokens) {
  Batch batch;
  for (size_t i = 0; i < tokens.size(); ++i)
    batch.add(tokens[i], static_cast<int32_t>(i), 0, i + 1 == tokens.size());
  const auto t0 = Clock::now();
  auto logits = runner.decode(batch);
  if (!logits) return logits.status();
  return seconds_since(t0);
}

// Seconds to run one single-token step per token, positions [0, n).
Result<double> time_generate(StepRunner& runner, const std::vector<int32_t>& tokens) {
  const auto t0 = Clock::now();
  for (size_t i = 0; i < tokens.size(); ++i) {
    Batch batch;
    batch.add(tokens[i], static_cast<int32_t>(i), 0, true);
    auto logits = runner.decode(batch);
    if (!logits) return logits.status();
  }
  return seconds_since(t0);
}

} // namespace

Result<BenchResult> bench(const Model& model, const BenchOptions& options) {
  if (options.n_prompt < 0 || options.n_gen < 0 || options.reps < 1 || options.n_prompt + options.n_gen == 0)
    return Status::error(ErrorCode::invalid_request, "bench needs n_prompt, n_gen >= 0 (not both 0) and reps >= 1");
  // Non-owning: the caller keeps the model alive for the duration of the call.
  std::shared_ptr<const Model> borrowed(std::shared_ptr<const Model>{}, &model);
  const int32_t n_ctx = std::max(options.n_prompt, options.n_gen);
  auto runner = StepRunner::create(borrowed, KvCacheConfig{1, n_ctx, options.kv_type});
  if (!runner) return runner.status();

  std::mt19937 rng(42);
  std::uniform_int_distribution<int32_t> pick(0, static_cast<int32_t>(model.hparams().n_vocab - 1));
  auto random_tokens = [&](int32_t n) {
    std::vector<int32_t> t(static_cast<size_t>(n));
    for (auto& id : t) id = pick(rng);
    return t;
  };
  const std::vector<int32_t> prompt = random_tokens(options.n_prompt);
  const std::vector<int32_t> gen = random_tokens(options.n_gen);

  // Warm-up: first-touch of weights, thread pool start, kernel selection.
  {
    auto warm = time_generate(**runner, random_tokens(std::min(n_ctx, 2)));
    if (!warm) return warm.status();
  }

  BenchResult result;
  result.options = options;
  std::vector<double> pp, tg;
  for (int32_t r = 0; r < options.reps; ++r) {
    if (options.n_prompt > 0) {
      auto s = time_prompt(**runner, prompt);
      if (!s) return s.status();
      pp.push_back(options.n_prompt / std::max(*s, 1e-9));
    }
    if (options.n_gen > 0) {
      auto s = time_generate(**runner, gen);
      if (!s) return s.status();
      tg.push_back(options.n_gen / std::max(*s, 1e-9));
    }
  }
  result.pp = summarize(std::move(pp));
  result.tg = summarize(std::move(tg));
  return result;
}

} // namespace llmhost::engine
