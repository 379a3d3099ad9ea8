// One step's tokens: several sequences (slots) may share a batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmhost::engine {

struct BatchToken {
  int32_t id = 0;
  int32_t pos = 0;     // position within its slot's sequence
  int32_t slot = 0;
  bool logits = false; // whether this token's logits are wanted
};

struct Batch {
  std::vector<BatchToken> tokens;

  void add(int32_t id, int32_t pos, int32_t slot, bool logits) { tokens.push_back({id, pos, slot, logits}); }
  size_t size() const { return tokens.size(); }
  bool empty() const { return tokens.empty(); }
  size_t n_logits() const {
    size_t n = 0;
    for (const auto& t : tokens) n += t.logits ? 1 : 0;
    return n;
  }
};

} // namespace llmhost::engine
