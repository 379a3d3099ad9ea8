// Unicode helpers for the tokenizers: lenient UTF-8 decoding as llama.cpp does it, general
// categories, White_Space, simple lowercase, the first codepoint of a canonical decomposition,
// and GPT-2's byte <-> printable-codepoint mapping. Tables are generated at build time from
// Python's unicodedata (scripts/gen_unicode_tables.py).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmhost::tok::unicode {

enum class Category : uint8_t {
  undefined, number, letter, separator, mark, punctuation, symbol, control,
};

Category category(uint32_t cp);
bool is_whitespace(uint32_t cp); // Unicode White_Space property
inline bool is_letter(uint32_t cp) { return category(cp) == Category::letter; }
inline bool is_number(uint32_t cp) { return category(cp) == Category::number; }
inline bool is_punctuation(uint32_t cp) { return category(cp) == Category::punctuation; }
inline bool is_mark(uint32_t cp) { return category(cp) == Category::mark; }

uint32_t to_lower(uint32_t cp);
// First codepoint of the full canonical decomposition (e.g. U+00E9 -> 'e'); cp itself if none.
uint32_t nfd_first(uint32_t cp);

// Length of the UTF-8 sequence a lead byte announces (1 for stray continuation bytes).
size_t utf8_len(uint8_t lead);
// Decodes UTF-8 the lenient way llama.cpp does: each byte that does not start a well-formed
// sequence becomes U+FFFD and decoding resumes at the next byte.
std::vector<uint32_t> decode_utf8(std::string_view text);
void append_utf8(std::string& out, uint32_t cp);
std::string encode_utf8(uint32_t cp);

// GPT-2 byte-level mapping: each byte has a printable codepoint stand-in.
uint32_t byte_to_codepoint(uint8_t byte);
// Inverse; -1 when the codepoint is not one of the 256 stand-ins.
int codepoint_to_byte(uint32_t cp);
// Bytes -> their stand-ins, as UTF-8.
std::string bytes_to_byte_level(std::string_view bytes);

} // namespace llmhost::tok::unicode
