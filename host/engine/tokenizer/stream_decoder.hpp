// Streaming detokenization: tokens arrive one at a time, text leaves only as complete UTF-8
// characters, so a character split across tokens (byte-fallback or byte-level pieces) is never
// cut. Bytes that can never become valid UTF-8 are replaced by U+FFFD as soon as that is
// certain; an incomplete sequence at the end is held back and replaced only by flush().
#pragma once

#include <cstdint>
#include <string>

#include "engine/tokenizer/tokenizer.hpp"

namespace llmhost::tok {

class StreamDecoder {
 public:
  // The tokenizer must outlive the decoder. render_special: include control tokens' text.
  explicit StreamDecoder(const Tokenizer& tokenizer, bool render_special = false)
      : tokenizer_(&tokenizer), render_special_(render_special) {}

  // Appends the token's bytes; returns the text that is now complete.
  std::string push(int32_t token);
  // Appends raw bytes (for callers holding pieces); returns the text that is now complete.
  std::string push_bytes(std::string_view bytes);
  // Everything still held, incomplete sequences as U+FFFD; the decoder is then empty.
  std::string flush();
  // Bytes held back waiting for the rest of a character.
  size_t pending() const { return pending_.size(); }

 private:
  const Tokenizer* tokenizer_;
  bool render_special_;
  std::string pending_;
};

// Length of a well-formed UTF-8 sequence starting at s[0] (1..4), 0 when s holds only a
// truncated but so far valid prefix, -1 when s[0] cannot start a valid sequence here.
int utf8_sequence_length(std::string_view s);

} // namespace llmhost::tok
