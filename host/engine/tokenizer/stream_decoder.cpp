#include "engine/tokenizer/stream_decoder.hpp"

namespace llmhost::tok {

int utf8_sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  const uint8_t b0 = uint8_t(s[0]);
  if (b0 < 0x80) return 1;
  int len;
  uint8_t lo = 0x80, hi = 0xBF; // allowed range of the second byte (RFC 3629 table)
  if (b0 >= 0xC2 && b0 <= 0xDF) len = 2;
  else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F; // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return -1;
  }
  for (int i = 1; i < len; ++i) {
    if (size_t(i) >= s.size()) return 0;
    const uint8_t b = uint8_t(s[i]);
    const uint8_t min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xBF;
    if (b < min || b > max) return -1;
  }
  return len;
}

std::string StreamDecoder::push(int32_t token) {
  return push_bytes(tokenizer_->token_to_piece(token, render_special_));
}

std::string StreamDecoder::push_bytes(std::string_view bytes) {
  pending_.append(bytes);
  std::string out;
  size_t i = 0;
  while (i < pending_.size()) {
    const int n = utf8_sequence_length(std::string_view(pending_).substr(i));
    if (n == 0) break; // wait for the rest of this character
    if (n < 0) {
      out += "\xEF\xBF\xBD";
      i += 1;
      continue;
    }
    out.append(pending_, i, size_t(n));
    i += size_t(n);
  }
  pending_.erase(0, i);
  return out;
}

std::string StreamDecoder::flush() {
  std::string out;
  if (!pending_.empty()) out = "\xEF\xBF\xBD"; // a truncated sequence is one replacement
  pending_.clear();
  return out;
}

} // namespace llmhost::tok
