#include "engine/tokenizer/unicode.hpp"

#include <algorithm>
#include <array>
#include <iterator>

namespace llmhost::tok::unicode {
namespace {

struct CategoryRange {
  uint32_t first;
  Category category;
};
struct CodepointPair {
  uint32_t from;
  uint32_t to;
};
struct CodepointRangeMap {
  uint32_t first;
  uint32_t last;
  uint32_t value;
};

#include "unicode_tables.inc"

// GPT-2's table: printable Latin-1 bytes map to themselves, the other 68 to U+0100 upwards.
struct ByteLevelTables {
  std::array<uint32_t, 256> byte_to_cp{};
  std::vector<std::pair<uint32_t, uint8_t>> cp_to_byte; // sorted by codepoint

  ByteLevelTables() {
    auto printable = [](int b) {
      return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) byte_to_cp[b] = printable(b) ? uint32_t(b) : next++;
    for (int b = 0; b < 256; ++b) cp_to_byte.emplace_back(byte_to_cp[b], uint8_t(b));
    std::sort(cp_to_byte.begin(), cp_to_byte.end());
  }
};

const ByteLevelTables& byte_level() {
  static const ByteLevelTables tables;
  return tables;
}

} // namespace

Category category(uint32_t cp) {
  if (cp > 0x10FFFF) return Category::undefined;
  auto it = std::upper_bound(std::begin(kCategoryRanges), std::end(kCategoryRanges), cp,
                             [](uint32_t c, const CategoryRange& r) { return c < r.first; });
  return std::prev(it)->category;
}

bool is_whitespace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

uint32_t to_lower(uint32_t cp) {
  auto it = std::lower_bound(std::begin(kLowercase), std::end(kLowercase), cp,
                             [](const CodepointPair& p, uint32_t c) { return p.from < c; });
  return (it != std::end(kLowercase) && it->from == cp) ? it->to : cp;
}

uint32_t nfd_first(uint32_t cp) {
  auto it = std::upper_bound(std::begin(kNfdFirst), std::end(kNfdFirst), cp,
                             [](uint32_t c, const CodepointRangeMap& r) { return c < r.first; });
  if (it == std::begin(kNfdFirst)) return cp;
  --it;
  return (cp >= it->first && cp <= it->last) ? it->value : cp;
}

size_t utf8_len(uint8_t lead) {
  static constexpr uint8_t kLen[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return kLen[lead >> 4];
}

std::vector<uint32_t> decode_utf8(std::string_view s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  size_t i = 0;
  auto cont = [&](size_t k) { return k < s.size() && (uint8_t(s[k]) & 0xC0) == 0x80; };
  while (i < s.size()) {
    const uint8_t b = uint8_t(s[i]);
    if (!(b & 0x80)) {
      out.push_back(b);
      i += 1;
    } else if ((b & 0xE0) == 0xC0 && cont(i + 1)) {
      out.push_back(((b & 0x1Fu) << 6) | (uint8_t(s[i + 1]) & 0x3Fu));
      i += 2;
    } else if ((b & 0xF0) == 0xE0 && cont(i + 1) && cont(i + 2)) {
      out.push_back(((b & 0x0Fu) << 12) | ((uint8_t(s[i + 1]) & 0x3Fu) << 6) |
                    (uint8_t(s[i + 2]) & 0x3Fu));
      i += 3;
    } else if ((b & 0xF8) == 0xF0 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      out.push_back(((b & 0x07u) << 18) | ((uint8_t(s[i + 1]) & 0x3Fu) << 12) |
                    ((uint8_t(s[i + 2]) & 0x3Fu) << 6) | (uint8_t(s[i + 3]) & 0x3Fu));
      i += 4;
    } else {
      out.push_back(0xFFFD); // not a sequence start, or truncated: skip one byte
      i += 1;
    }
  }
  return out;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp <= 0x10FFFF) {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += "\xEF\xBF\xBD";
  }
}

std::string encode_utf8(uint32_t cp) {
  std::string s;
  append_utf8(s, cp);
  return s;
}

uint32_t byte_to_codepoint(uint8_t byte) { return byte_level().byte_to_cp[byte]; }

int codepoint_to_byte(uint32_t cp) {
  const auto& v = byte_level().cp_to_byte;
  auto it = std::lower_bound(v.begin(), v.end(), std::make_pair(cp, uint8_t(0)));
  return (it != v.end() && it->first == cp) ? int(it->second) : -1;
}

std::string bytes_to_byte_level(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) append_utf8(out, byte_to_codepoint(uint8_t(c)));
  return out;
}

} // namespace llmhost::tok::unicode
