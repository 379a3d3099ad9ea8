// Stop strings over streamed text. Text that could be the start of a stop string is held back
// until it is known not to be one, so a client never sees part of a stop string.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llmhost::sampling {

class StopMatcher {
 public:
  explicit StopMatcher(std::vector<std::string> stops); // empty strings are ignored

  struct Out {
    std::string emit;     // safe to send now
    bool stopped = false; // a stop string matched: `emit` is the text before it; stop generating
  };

  // Adds generated text. After a stop, further pushes return nothing and stopped = true.
  Out push(std::string_view text);
  // At the end of generation: the held-back text (empty after a stop).
  std::string flush();

  bool stopped() const { return stopped_; }
  // The stop string that matched, empty when none did.
  const std::string& matched() const { return matched_; }

 private:
  // Length of the longest suffix of held_ that is a proper prefix of some stop string.
  size_t partial_suffix_length() const;

  std::vector<std::string> stops_;
  std::string held_;
  std::string matched_;
  bool stopped_ = false;
};

} // namespace llmhost::sampling
