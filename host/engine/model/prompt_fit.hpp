// Checking a prompt against a slot's context, and finding reusable cached prefixes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "llmhost/status.hpp"

namespace llmhost::engine {

// The prompt as it will be processed: refused (invalid_request) when empty, holding a token
// outside [0, n_vocab), or longer than n_ctx without `truncate`. With `truncate`, a long prompt
// keeps its first num_keep tokens (at most half the context) and its tail, so that half of the
// remaining context stays free for generation.
Result<std::vector<int32_t>> fit_prompt(std::span<const int32_t> prompt, int32_t n_ctx, int64_t n_vocab,
                                        bool truncate, int32_t num_keep);

// Length of the longest common prefix of a and b.
size_t common_prefix(std::span<const int32_t> a, std::span<const int32_t> b);

} // namespace llmhost::engine
