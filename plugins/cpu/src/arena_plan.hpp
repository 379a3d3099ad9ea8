// Offsets for a step's intermediate tensors in one arena, reusing the space of tensors whose
// last reader has run. The plan is recomputed per step (cheap); the arena itself only grows.
#pragma once

#include <cstddef>
#include <vector>

#include "llmhost/graph.hpp"

namespace llmhost::cpu {

inline constexpr size_t kTensorAlign = 64;

struct ArenaPlan {
  // offsets[id] for intermediates that own storage; npos otherwise (inputs, bound, aliases).
  std::vector<size_t> offsets;
  // alias_of[id] = the tensor whose storage `id` shares (reshape), or id itself.
  std::vector<TensorId> alias_of;
  size_t arena_bytes = 0;
  static constexpr size_t npos = static_cast<size_t>(-1);
};

ArenaPlan plan_arena(const Graph& graph);

} // namespace llmhost::cpu
