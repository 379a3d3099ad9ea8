// Truncation filters over a candidate list, as llama.cpp's sampler chain applies them. Each
// keeps at least one candidate and never reorders more than it has to, so a 150k vocabulary
// costs a partial sort of the kept prefix, not a full sort.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmhost::sampling {

struct Candidate {
  int32_t id = 0;
  float logit = 0.0f;
};

// True when `a` ranks before `b`: higher logit first, lower id on ties.
inline bool ranks_before(const Candidate& a, const Candidate& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

// Probabilities of `c` (softmax of the logits), in the same order.
std::vector<double> softmax(const std::vector<Candidate>& c);

// Keeps the k best, sorted best first. k <= 0 or k >= size: unchanged.
void keep_top_k(std::vector<Candidate>& c, int k);
// Locally typical sampling (Meister et al.): keeps the tokens whose surprise is closest to the
// entropy until their mass reaches p. p >= 1: unchanged.
void keep_typical(std::vector<Candidate>& c, float p);
// Nucleus: the smallest best-first set whose mass reaches p. p >= 1: unchanged.
void keep_top_p(std::vector<Candidate>& c, float p);
// Keeps tokens whose probability is at least p times the best one's. p <= 0: unchanged.
void keep_min_p(std::vector<Candidate>& c, float p);

} // namespace llmhost::sampling
