#include "engine/sampler/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace llmhost::sampling {

namespace {

uint64_t initial_seed(const SamplerConfig& cfg) {
  if (!cfg.random_seed) return cfg.seed;
  std::random_device device;
  return (uint64_t{device()} << 32) ^ device();
}

// Index of the largest value; the lowest index wins ties. -1 when all are NaN or it is empty.
int32_t argmax(std::span<const float> v) {
  int32_t best = -1;
  for (size_t i = 0; i < v.size(); ++i)
    if (!std::isnan(v[i]) && (best < 0 || v[i] > v[static_cast<size_t>(best)]))
      best = static_cast<int32_t>(i);
  return best;
}

// A uniform double in [0, 1) from 53 random bits: the same on every platform, unlike
// std::uniform_real_distribution.
double uniform01(std::mt19937_64& rng) { return double(rng() >> 11) * 0x1.0p-53; }

constexpr float kForcedLogit = 1e30f;

} // namespace

Sampler::Sampler(SamplerConfig config) : config_(std::move(config)), rng_(initial_seed(config_)) {}

void Sampler::accept(int32_t token) {
  history_.push_back(token);
  // Bound memory on long generations: keep twice the window, trim in bulk.
  const int n = config_.repeat_last_n;
  if (n > 0 && history_.size() > 2 * static_cast<size_t>(n) + 64)
    history_.erase(history_.begin(), history_.end() - n);
}

void Sampler::reset(std::span<const int32_t> history) {
  history_.clear();
  for (int32_t t : history) accept(t);
}

void Sampler::apply_bias_and_penalties(std::vector<float>& logits) const {
  const auto vocab = static_cast<int64_t>(logits.size());
  for (const auto& [token, bias] : config_.logit_bias)
    if (token >= 0 && token < vocab) {
      // A +inf bias ("force this token") stays finite so softmax and logprobs stay defined.
      float& logit = logits[static_cast<size_t>(token)];
      logit = std::min(logit + bias, kForcedLogit);
    }

  const bool penalties = config_.repeat_penalty != 1.0f || config_.presence_penalty != 0.0f ||
                         config_.frequency_penalty != 0.0f;
  if (!penalties || config_.repeat_last_n == 0 || history_.empty()) return;
  size_t window = history_.size();
  if (config_.repeat_last_n > 0) window = std::min(window, static_cast<size_t>(config_.repeat_last_n));
  std::unordered_map<int32_t, int> counts;
  for (auto it = history_.end() - static_cast<std::ptrdiff_t>(window); it != history_.end(); ++it)
    if (*it >= 0 && *it < vocab) ++counts[*it];
  for (const auto& [token, count] : counts) {
    float& logit = logits[static_cast<size_t>(token)];
    // Dividing a negative logit would raise its probability: multiply it instead.
    if (logit <= 0.0f) logit *= config_.repeat_penalty;
    else logit /= config_.repeat_penalty;
    logit -= float(count) * config_.frequency_penalty + config_.presence_penalty;
  }
}

void Sampler::fill_logprobs(const std::vector<float>& logits, int32_t chosen,
                            llmhost::TokenChoiceLogprobs& out) const {
  double m = -INFINITY;
  for (float x : logits)
    if (!std::isnan(x)) m = std::max(m, double(x));
  double sum = 0.0;
  for (float x : logits)
    if (!std::isnan(x)) sum += std::exp(double(x) - m);
  const double log_z = m + std::log(sum);
  auto logprob = [&](int32_t id) {
    return static_cast<float>(double(logits[static_cast<size_t>(id)]) - log_z);
  };
  out.chosen = {};
  out.chosen.token = chosen;
  out.chosen.logprob = logprob(chosen);
  out.top.clear();
  const size_t n = std::min(logits.size(), static_cast<size_t>(std::max(config_.top_logprobs, 0)));
  if (n == 0) return;
  std::vector<Candidate> all(logits.size());
  for (size_t i = 0; i < logits.size(); ++i)
    all[i] = {static_cast<int32_t>(i), std::isnan(logits[i]) ? -INFINITY : logits[i]};
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), ranks_before);
  for (size_t i = 0; i < n; ++i) {
    llmhost::TokenLogprob t;
    t.token = all[i].id;
    t.logprob = logprob(all[i].id);
    out.top.push_back(std::move(t));
  }
}

int32_t Sampler::draw(std::vector<Candidate>& c) {
  keep_top_k(c, config_.top_k);
  keep_typical(c, config_.typical_p);
  keep_top_p(c, config_.top_p);
  keep_min_p(c, config_.min_p);
  for (auto& x : c) x.logit /= config_.temperature;
  const std::vector<double> p = softmax(c);
  const double u = uniform01(rng_);
  double cumulative = 0.0;
  for (size_t i = 0; i < c.size(); ++i) {
    cumulative += p[i];
    if (u < cumulative) return c[i].id;
  }
  return c.back().id; // rounding left u just above the total
}

int32_t Sampler::sample(std::span<const float> logits, llmhost::TokenChoiceLogprobs* out) {
  if (logits.empty()) return -1;
  scratch_.assign(logits.begin(), logits.end());
  apply_bias_and_penalties(scratch_);

  int32_t chosen = -1;
  if (config_.temperature <= 0.0f) {
    chosen = argmax(scratch_);
  } else {
    candidates_.clear();
    candidates_.reserve(scratch_.size());
    for (size_t i = 0; i < scratch_.size(); ++i)
      if (scratch_[i] > -INFINITY) candidates_.push_back({static_cast<int32_t>(i), scratch_[i]});
    if (!candidates_.empty()) chosen = draw(candidates_);
  }
  // Everything banned (or NaN): fall back to the raw logits rather than fail the request.
  if (chosen < 0) chosen = std::max(argmax(logits), 0);

  if (out && (config_.logprobs || config_.top_logprobs > 0)) fill_logprobs(scratch_, chosen, *out);
  return chosen;
}

} // namespace llmhost::sampling
