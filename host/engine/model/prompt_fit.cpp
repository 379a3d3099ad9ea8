#include "engine/model/prompt_fit.hpp"

#include <algorithm>
#include <string>

namespace llmhost::engine {

Result<std::vector<int32_t>> fit_prompt(std::span<const int32_t> prompt, int32_t n_ctx, int64_t n_vocab,
                                        bool truncate, int32_t num_keep) {
  if (prompt.empty()) return Status::error(ErrorCode::invalid_request, "the prompt is empty", "prompt");
  for (int32_t t : prompt)
    if (t < 0 || t >= n_vocab)
      return Status::error(ErrorCode::invalid_request,
                           "token id " + std::to_string(t) + " is outside the vocabulary of " +
                               std::to_string(n_vocab),
                           "prompt");
  const auto n = static_cast<int64_t>(prompt.size());
  if (n <= n_ctx) return std::vector<int32_t>(prompt.begin(), prompt.end());
  if (!truncate)
    return Status::error(ErrorCode::invalid_request,
                         "the prompt has " + std::to_string(n) + " tokens, more than the context length of " +
                             std::to_string(n_ctx),
                         "prompt");

  const int32_t keep = std::clamp(num_keep, 0, n_ctx / 2);
  const int32_t tail = std::max(1, (n_ctx - keep) / 2);
  std::vector<int32_t> out(prompt.begin(), prompt.begin() + keep);
  out.insert(out.end(), prompt.end() - tail, prompt.end());
  return out;
}

size_t common_prefix(std::span<const int32_t> a, std::span<const int32_t> b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

} // namespace llmhost::engine
