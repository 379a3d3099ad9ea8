#include "engine/template/lexer.hpp"

#include <cctype>
#include <cstdint>

#include "engine/template/value.hpp"

namespace llmhost::tmpl {

std::string describe_position(std::string_view source, size_t pos) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < pos && i < source.size(); ++i) {
    if (source[i] == '\n') { ++line; col = 1; }
    else ++col;
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) out += static_cast<char>(cp);
  else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
  else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  Lexer(std::string_view src, const LexOptions& opt) : src_(src), opt_(opt) {}

  std::vector<Token> run() {
    bool strip_next_text = false;
    bool at_line_start = true;
    while (pos_ < src_.size()) {
      size_t start = find_tag(pos_);
      std::string text(src_.substr(pos_, start - pos_));
      if (strip_next_text) {
        size_t i = 0;
        while (i < text.size() && is_space(text[i])) ++i;
        text.erase(0, i);
        strip_next_text = false;
      }
      if (start == src_.size()) {
        emit(TokenType::text, std::move(text), pos_);
        pos_ = start;
        break;
      }
      char kind = src_[start + 1];
      char mod = start + 2 < src_.size() ? src_[start + 2] : '\0';
      if (mod == '-') {
        while (!text.empty() && is_space(text.back())) text.pop_back();
      } else if (mod != '+' && kind != '{' && opt_.lstrip_blocks) {
        lstrip_line(text, at_line_start || pos_ == 0);
      }
      emit(TokenType::text, std::move(text), pos_);
      size_t inner = start + 2 + ((mod == '-' || mod == '+') ? 1 : 0);

      if (kind == '#') {
        size_t end = src_.find("#}", inner);
        if (end == std::string_view::npos) fail("unterminated comment", start);
        pos_ = end + 2;
        strip_next_text = end > inner && src_[end - 1] == '-';
        bool keep = end > inner && src_[end - 1] == '+';
        if (!strip_next_text && !keep) trim_newline();
      } else if (kind == '%' && try_raw(inner, start, strip_next_text)) {
        // raw block consumed
      } else {
        bool block = kind == '%';
        emit(block ? TokenType::block_begin : TokenType::var_begin, "", start);
        pos_ = inner;
        char end_mod = tag_body(block ? '%' : '}', start);
        strip_next_text = end_mod == '-';
        if (block && end_mod == '\0') trim_newline();
      }
      at_line_start = pos_ > 0 && src_[pos_ - 1] == '\n';
    }
    emit(TokenType::eof, "", src_.size());
    return std::move(tokens_);
  }

 private:
  std::string_view src_;
  LexOptions opt_;
  size_t pos_ = 0;
  std::vector<Token> tokens_;

  [[noreturn]] void fail(const std::string& what, size_t at) {
    throw TemplateError(what + " at " + describe_position(src_, at));
  }

  void emit(TokenType t, std::string v, size_t at) {
    if (t == TokenType::text && v.empty()) return;
    tokens_.push_back(Token{t, std::move(v), at});
  }

  size_t find_tag(size_t from) const {
    for (size_t i = from; i + 1 < src_.size(); ++i)
      if (src_[i] == '{' && (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#')) return i;
    return src_.size();
  }

  // lstrip_blocks: remove spaces/tabs between the line start and the tag.
  static void lstrip_line(std::string& text, bool segment_starts_line) {
    size_t nl = text.rfind('\n');
    size_t line_start = nl == std::string::npos ? 0 : nl + 1;
    if (nl == std::string::npos && !segment_starts_line) return;
    for (size_t i = line_start; i < text.size(); ++i)
      if (text[i] != ' ' && text[i] != '\t') return;
    text.erase(line_start);
  }

  void trim_newline() {
    if (!opt_.trim_blocks) return;
    if (pos_ < src_.size() && src_[pos_] == '\n') ++pos_;
    else if (pos_ + 1 < src_.size() && src_[pos_] == '\r' && src_[pos_ + 1] == '\n') pos_ += 2;
  }

  size_t skip_ws(size_t i) const {
    while (i < src_.size() && is_space(src_[i])) ++i;
    return i;
  }

  bool word_at(size_t i, std::string_view w) const {
    return src_.substr(i, w.size()) == w &&
           (i + w.size() >= src_.size() || !(std::isalnum(static_cast<unsigned char>(src_[i + w.size()])) || src_[i + w.size()] == '_'));
  }

  // Parses "[-+]%}" at i; returns the position after it, or npos.
  size_t block_close_at(size_t i, char& mod) const {
    mod = '\0';
    if (i < src_.size() && (src_[i] == '-' || src_[i] == '+')) mod = src_[i++];
    return src_.substr(i, 2) == "%}" ? i + 2 : std::string_view::npos;
  }

  bool try_raw(size_t inner, size_t start, bool& strip_next_text) {
    size_t i = skip_ws(inner);
    if (!word_at(i, "raw")) return false;
    char mod;
    size_t body = block_close_at(skip_ws(i + 3), mod);
    if (body == std::string_view::npos) return false;
    if (mod == '-') body = skip_ws(body);
    for (size_t j = src_.find("{%", body); j != std::string_view::npos; j = src_.find("{%", j + 2)) {
      size_t k = j + 2;
      bool strip_before = k < src_.size() && src_[k] == '-';
      if (k < src_.size() && (src_[k] == '-' || src_[k] == '+')) ++k;
      k = skip_ws(k);
      if (!word_at(k, "endraw")) continue;
      char end_mod;
      size_t after = block_close_at(skip_ws(k + 6), end_mod);
      if (after == std::string_view::npos) fail("malformed endraw", j);
      std::string text(src_.substr(body, j - body));
      if (strip_before) while (!text.empty() && is_space(text.back())) text.pop_back();
      emit(TokenType::text, std::move(text), body);
      pos_ = after;
      strip_next_text = end_mod == '-';
      if (end_mod == '\0') trim_newline();
      return true;
    }
    fail("unterminated raw block", start);
  }

  // Tokenizes a tag's inside; returns the closing modifier ('-', '+' or '\0').
  char tag_body(char closer, size_t start) {
    int depth = 0;
    while (true) {
      pos_ = skip_ws(pos_);
      if (pos_ >= src_.size()) fail(closer == '%' ? "unterminated block tag" : "unterminated expression", start);
      char c = src_[pos_];
      if (depth == 0) {
        char mod = (c == '-' || c == '+') ? c : '\0';
        size_t at = pos_ + (mod ? 1 : 0);
        if (src_.substr(at, 2) == std::string(1, closer) + "}") {
          emit(closer == '%' ? TokenType::block_end : TokenType::var_end, "", pos_);
          pos_ = at + 2;
          return mod;
        }
      }
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t b = pos_;
        while (pos_ < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_')) ++pos_;
        emit(TokenType::name, std::string(src_.substr(b, pos_ - b)), b);
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        number();
      } else if (c == '\'' || c == '"') {
        string_literal();
      } else {
        op(depth);
      }
    }
  }

  void number() {
    size_t b = pos_;
    bool is_float = false;
    auto digits = [&] { while (pos_ < src_.size() && (std::isdigit(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_')) ++pos_; };
    digits();
    if (pos_ + 1 < src_.size() && src_[pos_] == '.' && std::isdigit(static_cast<unsigned char>(src_[pos_ + 1]))) {
      is_float = true;
      ++pos_;
      digits();
    }
    if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
      size_t save = pos_++;
      if (pos_ < src_.size() && (src_[pos_] == '+' || src_[pos_] == '-')) ++pos_;
      if (pos_ < src_.size() && std::isdigit(static_cast<unsigned char>(src_[pos_]))) { is_float = true; digits(); }
      else pos_ = save;
    }
    std::string s;
    for (char ch : src_.substr(b, pos_ - b)) if (ch != '_') s += ch;
    emit(is_float ? TokenType::floating : TokenType::integer, std::move(s), b);
  }

  void string_literal() {
    size_t b = pos_;
    char quote = src_[pos_++];
    std::string out;
    while (true) {
      if (pos_ >= src_.size()) fail("unterminated string", b);
      char c = src_[pos_++];
      if (c == quote) break;
      if (c != '\\') { out += c; continue; }
      if (pos_ >= src_.size()) fail("unterminated string", b);
      char e = src_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case '\n': break;
        case 'x': case 'u': case 'U': {
          size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (pos_ + n > src_.size()) fail("truncated escape", b);
          for (size_t k = 0; k < n; ++k)
            if (!std::isxdigit(static_cast<unsigned char>(src_[pos_ + k]))) fail("invalid escape in string", b);
          append_utf8(out, static_cast<uint32_t>(std::stoul(std::string(src_.substr(pos_, n)), nullptr, 16)));
          pos_ += n;
          break;
        }
        default: out += '\\'; out += e;
      }
    }
    emit(TokenType::string, std::move(out), b);
  }

  void op(int& depth) {
    static const char* kTwo[] = {"//", "**", "==", "!=", "<=", ">="};
    for (const char* t : kTwo) {
      if (src_.substr(pos_, 2) == t) {
        emit(TokenType::op, t, pos_);
        pos_ += 2;
        return;
      }
    }
    char c = src_[pos_];
    if (std::string_view("+-*/%~<>=()[]{}.,:|!").find(c) == std::string_view::npos)
      fail(std::string("unexpected character '") + c + "'", pos_);
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    emit(TokenType::op, std::string(1, c), pos_);
    ++pos_;
  }
};

} // namespace

std::vector<Token> tokenize(std::string_view source, const LexOptions& options) {
  return Lexer(source, options).run();
}

} // namespace llmhost::tmpl
