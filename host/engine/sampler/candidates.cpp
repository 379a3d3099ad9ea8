#include "engine/sampler/candidates.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace llmhost::sampling {

namespace {

float max_logit(const std::vector<Candidate>& c) {
  float m = -INFINITY;
  for (const auto& x : c) m = std::max(m, x.logit);
  return m;
}

// Sorts (at least) the first n entries best first; the rest stay behind them, unordered.
void sort_prefix(std::vector<Candidate>& c, size_t n) {
  n = std::min(n, c.size());
  std::partial_sort(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(n), c.end(), ranks_before);
}

} // namespace

std::vector<double> softmax(const std::vector<Candidate>& c) {
  std::vector<double> p(c.size());
  if (c.empty()) return p;
  const double m = max_logit(c);
  double sum = 0.0;
  for (size_t i = 0; i < c.size(); ++i) sum += p[i] = std::exp(double(c[i].logit) - m);
  for (double& x : p) x /= sum;
  return p;
}

void keep_top_k(std::vector<Candidate>& c, int k) {
  if (k <= 0 || static_cast<size_t>(k) >= c.size()) return;
  sort_prefix(c, static_cast<size_t>(k));
  c.resize(static_cast<size_t>(k));
}

void keep_typical(std::vector<Candidate>& c, float p) {
  if (p >= 1.0f || c.size() <= 1) return;
  const std::vector<double> prob = softmax(c);
  double entropy = 0.0;
  for (double x : prob)
    if (x > 0.0) entropy -= x * std::log(x);
  // Rank by |surprise - entropy|, closest first.
  std::vector<size_t> order(c.size());
  std::iota(order.begin(), order.end(), size_t{0});
  auto distance = [&](size_t i) {
    return prob[i] > 0.0 ? std::abs(-std::log(prob[i]) - entropy) : INFINITY;
  };
  std::vector<double> dist(c.size());
  for (size_t i = 0; i < c.size(); ++i) dist[i] = distance(i);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return dist[a] < dist[b]; });
  double mass = 0.0;
  size_t keep = 0;
  while (keep < order.size()) {
    mass += prob[order[keep]];
    ++keep;
    if (mass >= double(p)) break;
  }
  std::vector<Candidate> kept;
  kept.reserve(keep);
  for (size_t i = 0; i < keep; ++i) kept.push_back(c[order[i]]);
  c = std::move(kept);
}

void keep_top_p(std::vector<Candidate>& c, float p) {
  if (p >= 1.0f || c.size() <= 1) return;
  const double m = max_logit(c);
  double total = 0.0;
  for (const auto& x : c) total += std::exp(double(x.logit) - m);
  // Sort a growing prefix until it holds mass p: usually a few hundred tokens suffice.
  size_t sorted = 0;
  size_t chunk = 256;
  double mass = 0.0;
  size_t i = 0;
  while (true) {
    if (i == sorted) {
      if (sorted == c.size()) break;
      const size_t n = std::min(c.size(), sorted + chunk);
      std::partial_sort(c.begin() + static_cast<std::ptrdiff_t>(sorted),
                        c.begin() + static_cast<std::ptrdiff_t>(n), c.end(), ranks_before);
      sorted = n;
      chunk *= 2;
    }
    mass += std::exp(double(c[i].logit) - m) / total;
    ++i;
    if (mass >= double(p)) break;
  }
  c.resize(std::max<size_t>(i, 1));
}

void keep_min_p(std::vector<Candidate>& c, float p) {
  if (p <= 0.0f || c.size() <= 1) return;
  // p_i >= p * p_max  <=>  logit_i >= logit_max + log(p)
  const float threshold = max_logit(c) + std::log(p);
  std::erase_if(c, [&](const Candidate& x) { return x.logit < threshold; });
}

} // namespace llmhost::sampling
