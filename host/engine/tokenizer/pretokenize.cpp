#include "engine/tokenizer/pretokenize.hpp"

#include <algorithm>
#include <span>

#include "engine/tokenizer/unicode.hpp"

namespace llmhost::tok {
namespace {

using unicode::is_whitespace;

struct Range {
  uint32_t first, last;
};

bool in_ranges(uint32_t c, std::span<const Range> ranges) {
  for (const auto& r : ranges)
    if (c >= r.first && c <= r.last) return true;
  return false;
}

// DeepSeek LLM's letter class (cased Latin/Greek/Cyrillic/... letters), from its tokenizer.json.
constexpr Range kDeepseekLetters[] = {
    {0x41, 0x5A}, {0x61, 0x7A}, {0xB5, 0xB5}, {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x1BA},
    {0x1BC, 0x1BF}, {0x1C4, 0x293}, {0x295, 0x2AF}, {0x370, 0x373}, {0x376, 0x377},
    {0x37B, 0x37D}, {0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C},
    {0x38E, 0x3A1}, {0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x48A, 0x52F}, {0x531, 0x556},
    {0x10A0, 0x10C5}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1C90, 0x1CBA}, {0x1CBD, 0x1CBF},
    {0x1D00, 0x1D2B}, {0x1D6B, 0x1D77}, {0x1D79, 0x1D9A}, {0x1E00, 0x1F15}, {0x1F18, 0x1F1D},
    {0x1F20, 0x1F45}, {0x1F48, 0x1F4D}, {0x1F50, 0x1F57}, {0x1F59, 0x1F59}, {0x1F5B, 0x1F5B},
    {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4}, {0x1FB6, 0x1FBC}, {0x1FBE, 0x1FBE},
    {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3}, {0x1FD6, 0x1FDB}, {0x1FE0, 0x1FEC},
    {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC}, {0x2102, 0x2102}, {0x2107, 0x2107}, {0x210A, 0x2113},
    {0x2115, 0x2115}, {0x2119, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126}, {0x2128, 0x2128},
    {0x212A, 0x212D}, {0x212F, 0x2134}, {0x2139, 0x2139}, {0x213C, 0x213F}, {0x2145, 0x2149},
    {0x214E, 0x214E}, {0x2183, 0x2184}, {0x2C00, 0x2C7B}, {0x2C7E, 0x2CE4}, {0x2CEB, 0x2CEE},
    {0x2CF2, 0x2CF3}, {0xA640, 0xA66D}, {0xA680, 0xA69B}, {0xA722, 0xA76F}, {0xA771, 0xA787},
    {0xA78B, 0xA78E}, {0xAB70, 0xABBF}, {0xFB00, 0xFB06}, {0xFB13, 0xFB17}, {0xFF21, 0xFF3A},
    {0xFF41, 0xFF5A}, {0x10400, 0x1044F}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
    {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2}, {0x118A0, 0x118DF}, {0x1E900, 0x1E943},
};
// [!-/:-~！-／：-～‘-‟　-。]
constexpr Range kDeepseekPunct[] = {{0x21, 0x2F}, {0x3A, 0x7E}, {0xFF01, 0xFF0F},
                                    {0xFF1A, 0xFF5E}, {0x2018, 0x201F}, {0x3000, 0x3002}};
// [一-龥ࠀ-一가-퟿]
constexpr Range kCjkHangul[] = {{0x4E00, 0x9FA5}, {0x800, 0x4E00}, {0xAC00, 0xD7FF}};

bool letter(uint32_t c) { return unicode::is_letter(c); }
bool number(uint32_t c) { return unicode::is_number(c); }
bool cr_or_lf(uint32_t c) { return c == '\r' || c == '\n'; }
bool ascii_digit(uint32_t c) { return c >= '0' && c <= '9'; }
uint32_t lower_ascii(uint32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

// One pass: the text being matched, in codepoints, and a piece [begin, end) of it.
struct Piece {
  const uint32_t* cp;
  size_t end;
  template <typename Pred>
  size_t run(size_t p, Pred pred) const {
    size_t q = p;
    while (q < end && pred(cp[q])) ++q;
    return q - p;
  }
  bool at(size_t p, bool (*pred)(uint32_t)) const { return p < end && pred(cp[p]); }
};

// A matcher returns the length of the match starting exactly at p, 0 for none.
using Matcher = size_t (*)(const Piece&, size_t p);

// 's 't 're 've 'm 'll 'd (optionally case-insensitive).
size_t contraction(const Piece& s, size_t p, bool any_case) {
  if (s.cp[p] != '\'' || p + 1 >= s.end) return 0;
  auto norm = [&](size_t k) { return any_case ? lower_ascii(s.cp[k]) : s.cp[k]; };
  const uint32_t a = norm(p + 1);
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (p + 2 >= s.end) return 0;
  const uint32_t b = norm(p + 2);
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

// \s+(?!\S): whitespace, leaving the last one to the next word unless at the end.
size_t whitespace_not_before_word(const Piece& s, size_t p) {
  const size_t n = s.run(p, is_whitespace);
  if (n == 0) return 0;
  if (p + n == s.end) return n;
  return n >= 2 ? n - 1 : 0;
}

// ' ?X+' with a literal space.
template <typename Pred>
size_t space_opt_run(const Piece& s, size_t p, Pred pred) {
  if (s.cp[p] == ' ' && p + 1 < s.end && pred(s.cp[p + 1])) return 1 + s.run(p + 1, pred);
  return pred(s.cp[p]) ? s.run(p, pred) : 0;
}

// '\s?X+'.
template <typename Pred>
size_t ws_opt_run(const Piece& s, size_t p, Pred pred) {
  if (is_whitespace(s.cp[p]) && p + 1 < s.end && pred(s.cp[p + 1])) return 1 + s.run(p + 1, pred);
  return pred(s.cp[p]) ? s.run(p, pred) : 0;
}

// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
size_t gpt2_regex(const Piece& s, size_t p) {
  if (size_t n = contraction(s, p, false)) return n;
  if (size_t n = space_opt_run(s, p, letter)) return n;
  if (size_t n = space_opt_run(s, p, number)) return n;
  auto other = [](uint32_t c) { return !is_whitespace(c) && !letter(c) && !number(c); };
  if (size_t n = space_opt_run(s, p, other)) return n;
  return whitespace_not_before_word(s, p);
}

// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?W+|\p{N}{1,max_digits}| ?[^\s W \p{N}]+[\r\n]*|
// \s*[\r\n]+|\s+(?!\S)|\s+   where W = \p{L} (or [\p{L}\p{M}] with marks).
template <size_t kMaxDigits, bool kMarks>
size_t llama3_regex(const Piece& s, size_t p) {
  if (size_t n = contraction(s, p, true)) return n;
  auto word = [](uint32_t c) { return letter(c) || (kMarks && unicode::is_mark(c)); };
  const uint32_t c = s.cp[p];
  if (!cr_or_lf(c) && !letter(c) && !number(c) && p + 1 < s.end && word(s.cp[p + 1]))
    return 1 + s.run(p + 1, word);
  if (word(c)) return s.run(p, word);
  if (number(c)) return std::min(kMaxDigits, s.run(p, number));
  auto other = [&](uint32_t x) { return !is_whitespace(x) && !word(x) && !number(x); };
  size_t q = p;
  if (c == ' ' && p + 1 < s.end && other(s.cp[p + 1])) q = p + 1;
  if (other(s.cp[q])) {
    q += s.run(q, other);
    q += s.run(q, cr_or_lf);
    return q - p;
  }
  const size_t n = s.run(p, is_whitespace);
  if (n == 0) return 0;
  for (size_t k = p + n; k > p; --k)
    if (cr_or_lf(s.cp[k - 1])) return k - p; // \s*[\r\n]+ ends at the last CR/LF of the run
  if (p + n == s.end || n == 1) return n;   // \s+(?!\S) at the end, else \s+
  return n - 1;
}

size_t single_cr_lf(const Piece& s, size_t p) { return cr_or_lf(s.cp[p]) ? 1 : 0; }
size_t single_number(const Piece& s, size_t p) { return number(s.cp[p]) ? 1 : 0; }
size_t number_run(const Piece& s, size_t p) { return s.run(p, number); }
size_t three_digits(const Piece& s, size_t p) {
  return (p + 3 <= s.end && ascii_digit(s.cp[p]) && ascii_digit(s.cp[p + 1]) && ascii_digit(s.cp[p + 2])) ? 3 : 0;
}
// [\p{P}\$\+<=>\^~\|]+ (default) and the same with '`' (falcon).
template <bool kBacktick>
size_t punct_run(const Piece& s, size_t p) {
  auto pred = [](uint32_t c) {
    return unicode::is_punctuation(c) || c == '$' || c == '+' || c == '<' || c == '=' || c == '>' ||
           c == '^' || c == '~' || c == '|' || (kBacktick && c == '`');
  };
  return s.run(p, pred);
}
size_t ws_opt_letters(const Piece& s, size_t p) { return ws_opt_run(s, p, letter); }
size_t ws_opt_punct(const Piece& s, size_t p) { return ws_opt_run(s, p, unicode::is_punctuation); }
size_t ws_opt_deepseek_letters(const Piece& s, size_t p) {
  return ws_opt_run(s, p, [](uint32_t c) { return in_ranges(c, kDeepseekLetters); });
}
size_t ws_opt_deepseek_punct(const Piece& s, size_t p) {
  return ws_opt_run(s, p, [](uint32_t c) { return in_ranges(c, kDeepseekPunct); });
}
size_t cjk_run(const Piece& s, size_t p) {
  return s.run(p, [](uint32_t c) { return in_ranges(c, kCjkHangul); });
}
// \s+$
size_t trailing_whitespace(const Piece& s, size_t p) {
  const size_t n = s.run(p, is_whitespace);
  return (n > 0 && p + n == s.end) ? n : 0;
}

std::span<const Matcher> passes(PreKind kind) {
  switch (kind) {
    case PreKind::gpt2: {
      static constexpr Matcher m[] = {gpt2_regex};
      return m;
    }
    case PreKind::llama3: {
      static constexpr Matcher m[] = {llama3_regex<3, false>};
      return m;
    }
    case PreKind::qwen2: {
      static constexpr Matcher m[] = {llama3_regex<1, false>};
      return m;
    }
    case PreKind::qwen35: {
      static constexpr Matcher m[] = {llama3_regex<1, true>};
      return m;
    }
    case PreKind::deepseek_llm: {
      static constexpr Matcher m[] = {single_cr_lf, ws_opt_deepseek_letters, ws_opt_deepseek_punct,
                                      trailing_whitespace, cjk_run, number_run};
      return m;
    }
    case PreKind::deepseek_coder: {
      static constexpr Matcher m[] = {single_cr_lf, ws_opt_letters, ws_opt_punct, cjk_run, single_number};
      return m;
    }
    case PreKind::falcon: {
      static constexpr Matcher m[] = {punct_run<true>, gpt2_regex, three_digits};
      return m;
    }
    case PreKind::starcoder: {
      static constexpr Matcher m[] = {single_number, gpt2_regex};
      return m;
    }
    case PreKind::default_:
    default: {
      static constexpr Matcher m[] = {punct_run<false>, gpt2_regex, number_run, three_digits};
      return m;
    }
  }
}

// Splits each piece into matches and the gaps between them (std::regex_iterator semantics:
// leftmost match, search resumes after it).
std::vector<size_t> split_pass(const std::vector<uint32_t>& cp, const std::vector<size_t>& lengths,
                               Matcher match) {
  std::vector<size_t> out;
  out.reserve(lengths.size());
  size_t begin = 0;
  for (size_t len : lengths) {
    const Piece piece{cp.data(), begin + len};
    size_t gap = begin;
    size_t p = begin;
    while (p < piece.end) {
      const size_t n = match(piece, p);
      if (n == 0) {
        ++p;
        continue;
      }
      if (p > gap) out.push_back(p - gap);
      out.push_back(n);
      p += n;
      gap = p;
    }
    if (piece.end > gap) out.push_back(piece.end - gap);
    begin += len;
  }
  return out;
}

} // namespace

Result<PreKind> pre_kind_from_name(std::string_view name) {
  struct Entry {
    std::string_view name;
    PreKind kind;
  };
  static constexpr Entry kNames[] = {
      {"", PreKind::default_}, {"default", PreKind::default_},
      {"llama3", PreKind::llama3}, {"llama-v3", PreKind::llama3}, {"llama-bpe", PreKind::llama3},
      {"falcon3", PreKind::llama3}, {"falcon-h1", PreKind::llama3}, {"pixtral", PreKind::llama3},
      {"midm-2.0", PreKind::llama3}, {"lfm2", PreKind::llama3}, {"dbrx", PreKind::llama3},
      {"smaug-bpe", PreKind::llama3},
      {"deepseek-llm", PreKind::deepseek_llm}, {"deepseek-coder", PreKind::deepseek_coder},
      {"falcon", PreKind::falcon},
      {"gpt-2", PreKind::gpt2}, {"mpt", PreKind::gpt2}, {"phi-2", PreKind::gpt2},
      {"jina-es", PreKind::gpt2}, {"jina-de", PreKind::gpt2}, {"gigachat", PreKind::gpt2},
      {"jina-v1-en", PreKind::gpt2}, {"jina-v2-es", PreKind::gpt2}, {"jina-v2-de", PreKind::gpt2},
      {"olmo", PreKind::gpt2}, {"jais", PreKind::gpt2}, {"trillion", PreKind::gpt2},
      {"a.x-4.0", PreKind::gpt2}, {"mellum", PreKind::gpt2},
      {"starcoder", PreKind::starcoder}, {"refact", PreKind::starcoder},
      {"command-r", PreKind::starcoder}, {"smollm", PreKind::starcoder},
      {"codeshell", PreKind::starcoder}, {"exaone", PreKind::starcoder},
      {"minerva-7b", PreKind::starcoder},
      {"qwen2", PreKind::qwen2}, {"stablelm2", PreKind::qwen2}, {"deepseek-r1-qwen", PreKind::qwen2},
      {"megrez", PreKind::qwen2}, {"hunyuan", PreKind::qwen2},
      {"qwen35", PreKind::qwen35},
  };
  for (const auto& e : kNames)
    if (e.name == name) return e.kind;
  return Status::error(ErrorCode::unsupported,
                       "unsupported BPE pre-tokenizer '" + std::string(name) + "'");
}

std::vector<std::string> pre_tokenize(std::string_view text, PreKind kind) {
  const std::vector<uint32_t> original = unicode::decode_utf8(text);
  if (original.empty()) return {};
  // As in llama.cpp's regex fallback, non-ASCII whitespace matches only \s (seen as U+000B).
  std::vector<uint32_t> view(original);
  for (uint32_t& c : view)
    if (c > 0x7F && is_whitespace(c)) c = 0x0B;

  std::vector<size_t> lengths{view.size()};
  for (Matcher m : passes(kind)) lengths = split_pass(view, lengths, m);

  std::vector<std::string> words;
  words.reserve(lengths.size());
  size_t begin = 0;
  for (size_t len : lengths) {
    std::string w;
    for (size_t i = begin; i < begin + len; ++i) unicode::append_utf8(w, original[i]);
    words.push_back(std::move(w));
    begin += len;
  }
  return words;
}

} // namespace llmhost::tok
