#include "engine/tokenizer/tokenizer.hpp"

#include <algorithm>
#include <charconv>

#include "engine/tokenizer/unicode.hpp"
#include "engine/tokenizer/vocab_index.hpp"

namespace llmhost::tok {
namespace {

constexpr std::string_view kSpmSpace = "\xE2\x96\x81"; // U+2581

bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s.substr(i, from.size()) == from) {
      out += to;
      i += from.size();
    } else {
      out += s[i++];
    }
  }
  return out;
}

// GPT-2 stand-ins back to bytes; codepoints outside the mapping are shown as llama.cpp does.
std::string decode_byte_level(std::string_view text) {
  std::string out;
  for (uint32_t cp : unicode::decode_utf8(text)) {
    const int b = unicode::codepoint_to_byte(cp);
    if (b >= 0) {
      out += char(b);
      continue;
    }
    const std::string utf8 = unicode::encode_utf8(cp);
    static constexpr char kHex[] = "0123456789abcdef";
    out += "[UNK_BYTE_0x";
    for (char c : utf8) {
      out += kHex[uint8_t(c) >> 4];
      out += kHex[uint8_t(c) & 15];
    }
    out += std::string(text) + "]";
  }
  return out;
}

// clean_up_tokenization_spaces, the three passes of llama.cpp's detokenize.
std::string clean_spaces(const std::string& t) {
  std::string a;
  for (size_t i = 0; i < t.size(); ++i) { // " ?", " !", " .", " ,"
    const char x = t[i];
    if (i > 0 && t[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) a.pop_back();
    a += x;
  }
  std::string b;
  for (size_t i = 0; i < a.size(); ++i) { // " ' " -> "'"
    const char x = a[i];
    if (i > 0 && x == '\'' && i + 1 < a.size() && a[i - 1] == ' ' && a[i + 1] == ' ') {
      b.pop_back();
      b += x;
      a[++i] = '\0'; // drop the next space (and, as llama.cpp, hide it from the next check)
      continue;
    }
    b += x;
  }
  std::string c;
  for (size_t i = 0; i < b.size(); ++i) { // " 's", " 'm", " 're", " 've"
    const char x = b[i];
    if (i > 0 && b[i - 1] == ' ' && x == '\'' && i + 1 < b.size()) {
      const char x1 = b[i + 1];
      if (x1 == 's' || x1 == 'm') {
        c.pop_back();
      } else if (x1 != 't' && x1 != 'd' && i + 2 < b.size()) {
        const char x2 = b[i + 2];
        if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) c.pop_back();
      }
    }
    c += x;
  }
  return c;
}

} // namespace

int32_t VocabIndex::rank(std::string_view left, std::string_view right) const {
  std::string key;
  key.reserve(left.size() + right.size() + 1);
  key.append(left).append(" ").append(right);
  auto it = merge_rank.find(key);
  return it == merge_rank.end() ? -1 : it->second;
}

int32_t VocabIndex::byte_token(uint8_t byte) const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const char buf[6] = {'<', '0', 'x', kHex[byte >> 4], kHex[byte & 15], '>'};
  if (int32_t id = find(std::string_view(buf, 6)); id != kNoToken) return id;
  const char raw = char(byte);
  if (int32_t id = find(std::string_view(&raw, 1)); id != kNoToken) return id;
  return vocab->unk;
}

Tokenizer::Tokenizer(Vocab vocab) : vocab_(std::move(vocab)) {}
Tokenizer::~Tokenizer() = default;

Result<std::unique_ptr<Tokenizer>> Tokenizer::create(Vocab vocab) {
  VocabKind kind;
  if (vocab.model == "llama") kind = VocabKind::spm;
  else if (vocab.model == "gpt2") kind = VocabKind::bpe;
  else if (vocab.model == "bert") kind = VocabKind::wpm;
  else return Status::error(ErrorCode::unsupported, "unsupported tokenizer model '" + vocab.model + "'");
  if (Status s = resolve(vocab); !s) return s;
  if (kind == VocabKind::bpe && vocab.merges.empty())
    return Status::error(ErrorCode::invalid_request, "BPE vocabulary has no merges");

  std::unique_ptr<Tokenizer> t(new Tokenizer(std::move(vocab)));
  auto index = std::make_unique<VocabIndex>();
  index->vocab = &t->vocab_;
  index->kind = kind;
  if (kind == VocabKind::bpe) {
    auto pre = pre_kind_from_name(t->vocab_.pre);
    if (!pre) return pre.status();
    index->pre = *pre;
    index->merge_rank.reserve(t->vocab_.merges.size());
    for (size_t i = 0; i < t->vocab_.merges.size(); ++i)
      index->merge_rank.emplace(t->vocab_.merges[i], int32_t(i));
  }
  const auto& tokens = t->vocab_.tokens;
  index->token_to_id.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    index->token_to_id.emplace(tokens[i], int32_t(i));
    index->max_token_len = std::max(index->max_token_len, tokens[i].size());
  }
  t->index_ = std::move(index);

  for (int32_t id = 0; id < t->n_vocab(); ++id)
    if ((t->vocab_.token_attrs[id] & (kAttrControl | kAttrUserDefined | kAttrUnknown)) && !tokens[id].empty())
      t->special_tokens_.push_back(id);
  std::stable_sort(t->special_tokens_.begin(), t->special_tokens_.end(),
                   [&](int32_t a, int32_t b) { return tokens[a].size() > tokens[b].size(); });
  return t;
}

std::vector<Tokenizer::Fragment> Tokenizer::partition(std::string_view text, bool parse_special) const {
  std::vector<Fragment> frags;
  if (!text.empty()) frags.push_back(Fragment{kNoToken, 0, text.size()});
  std::vector<Fragment> next;
  for (int32_t id : special_tokens_) {
    const uint32_t attr = vocab_.token_attrs[id];
    if (!parse_special && (attr & (kAttrControl | kAttrUnknown))) continue;
    const std::string_view tok = vocab_.tokens[id];
    bool found = false;
    for (const Fragment& f : frags)
      if (f.token == kNoToken && text.substr(f.offset, f.length).find(tok) != std::string_view::npos) {
        found = true;
        break;
      }
    if (!found) continue;

    next.clear();
    for (const Fragment& f : frags) {
      if (f.token != kNoToken) {
        next.push_back(f);
        continue;
      }
      size_t off = f.offset, len = f.length;
      while (len > 0) {
        const size_t m = text.substr(0, off + len).find(tok, off);
        if (m == std::string_view::npos) {
          next.push_back(Fragment{kNoToken, off, len});
          break;
        }
        size_t left = m - off;
        if (attr & kAttrLstrip)
          while (left > 0 && is_c_space(text[off + left - 1])) --left;
        if (left > 0) next.push_back(Fragment{kNoToken, off, left});
        next.push_back(Fragment{id, 0, 0});
        size_t r_off = m + tok.size();
        size_t r_len = off + len - r_off;
        if (attr & kAttrRstrip)
          while (r_len > 0 && is_c_space(text[r_off])) ++r_off, --r_len;
        off = r_off;
        len = r_len;
      }
    }
    frags.swap(next);
  }
  return frags;
}

std::vector<int32_t> Tokenizer::tokenize(std::string_view text, bool add_special, bool parse_special) const {
  std::vector<int32_t> out;
  const auto frags = partition(text, parse_special);
  auto raw = [&](const Fragment& f) { return text.substr(f.offset, f.length); };
  switch (index_->kind) {
    case VocabKind::spm: {
      bool prev_special = true; // the first fragment gets the space prefix
      if (add_special && vocab_.add_bos && vocab_.bos != kNoToken) out.push_back(vocab_.bos);
      for (const Fragment& f : frags) {
        if (f.token != kNoToken) {
          out.push_back(f.token);
          prev_special = true;
          continue;
        }
        std::string s = (vocab_.add_space_prefix && prev_special) ? " " : "";
        s += raw(f);
        spm_encode(*index_, replace_all(s, " ", kSpmSpace), out);
        prev_special = false;
      }
      if (add_special && vocab_.add_eos && vocab_.eos != kNoToken) out.push_back(vocab_.eos);
      break;
    }
    case VocabKind::bpe: {
      if (add_special && vocab_.add_bos && vocab_.bos != kNoToken) out.push_back(vocab_.bos);
      for (const Fragment& f : frags) {
        if (f.token != kNoToken) out.push_back(f.token);
        else bpe_encode(*index_, raw(f), out);
      }
      if (add_special && vocab_.add_eos && vocab_.eos != kNoToken) out.push_back(vocab_.eos);
      break;
    }
    case VocabKind::wpm: {
      if (add_special && vocab_.add_bos && vocab_.bos != kNoToken) out.push_back(vocab_.bos);
      for (const Fragment& f : frags) {
        if (f.token != kNoToken) out.push_back(f.token);
        else wpm_encode(*index_, raw(f), out);
      }
      if (add_special && vocab_.add_sep && vocab_.sep != kNoToken) out.push_back(vocab_.sep);
      break;
    }
  }
  return out;
}

// The piece with special tokens rendered (llama.cpp caches exactly this).
std::string Tokenizer::piece_of(int32_t id) const {
  const uint32_t attr = vocab_.token_attrs[id];
  const std::string& text = vocab_.tokens[id];
  if (attr & (kAttrUnknown | kAttrControl | kAttrUserDefined)) return text;
  if (index_->kind == VocabKind::bpe) return (attr & kAttrNormal) ? decode_byte_level(text) : std::string();
  if (attr & kAttrNormal) return replace_all(text, kSpmSpace, " ");
  if (attr & kAttrByte) {
    unsigned value = 0;
    if (text.size() == 6 && text.starts_with("<0x")) {
      auto [p, ec] = std::from_chars(text.data() + 3, text.data() + 5, value, 16);
      if (ec == std::errc() && p == text.data() + 5) return std::string(1, char(value));
    }
    return text.size() == 1 ? text : std::string();
  }
  return {};
}

std::string Tokenizer::token_to_piece(int32_t id, bool render_special) const {
  if (id < 0 || id >= n_vocab()) return {};
  if (!render_special && (vocab_.token_attrs[id] & (kAttrUnknown | kAttrControl))) return {};
  return piece_of(id);
}

std::string Tokenizer::detokenize(std::span<const int32_t> ids, bool remove_special, bool unparse_special) const {
  bool remove_space = vocab_.add_space_prefix;
  if (remove_special && vocab_.add_bos && !ids.empty() && ids.front() == vocab_.bos) {
    remove_space = false;
    ids = ids.subspan(1);
  }
  if (remove_special && vocab_.add_eos && !ids.empty() && ids.back() == vocab_.eos) ids = ids.first(ids.size() - 1);
  std::string out;
  for (int32_t id : ids) {
    std::string piece = token_to_piece(id, unparse_special);
    if (remove_space && !piece.empty() && piece.front() == ' ') piece.erase(0, 1);
    remove_space = false;
    out += piece;
  }
  return vocab_.clean_spaces ? clean_spaces(out) : out;
}

bool Tokenizer::is_eog(int32_t id) const {
  return id != kNoToken && std::binary_search(vocab_.eog_ids.begin(), vocab_.eog_ids.end(), id);
}

bool Tokenizer::is_control(int32_t id) const {
  return id >= 0 && id < n_vocab() && (vocab_.token_attrs[id] & kAttrControl);
}

std::string_view Tokenizer::token_text(int32_t id) const {
  if (id < 0 || id >= n_vocab()) return {};
  return vocab_.tokens[id];
}

int32_t Tokenizer::find_token(std::string_view text) const { return index_->find(text); }

} // namespace llmhost::tok
