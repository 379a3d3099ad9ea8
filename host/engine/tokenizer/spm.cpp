// SentencePiece-style encoding as llama.cpp's llm_tokenizer_spm: start from UTF-8 characters,
// repeatedly merge the adjacent pair whose concatenation is the highest-scoring token, then
// emit each piece as its token, or as byte-fallback tokens.
#include <queue>

#include "engine/tokenizer/unicode.hpp"
#include "engine/tokenizer/vocab_index.hpp"

namespace llmhost::tok {
namespace {

struct Symbol {
  int prev = -1;
  int next = -1;
  size_t offset = 0; // into the text
  size_t n = 0;      // bytes; 0 once merged into its left neighbour
};

struct Bigram {
  int left = 0;
  int right = 0;
  float score = 0;
  size_t size = 0;
};

struct BigramOrder {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

class SpmSession {
 public:
  SpmSession(const VocabIndex& index, std::string_view text) : index_(index), text_(text) {}

  void encode(std::vector<int32_t>& out) {
    for (size_t offs = 0; offs < text_.size();) {
      Symbol s;
      s.offset = offs;
      s.n = std::min(unicode::utf8_len(uint8_t(text_[offs])), text_.size() - offs);
      offs += s.n;
      s.prev = int(symbols_.size()) - 1;
      s.next = offs == text_.size() ? -1 : int(symbols_.size()) + 1;
      symbols_.push_back(s);
    }
    if (symbols_.empty()) return;
    for (int i = 1; i < int(symbols_.size()); ++i) try_add_bigram(i - 1, i);
    while (!queue_.empty()) {
      const Bigram b = queue_.top();
      queue_.pop();
      Symbol& left = symbols_[b.left];
      Symbol& right = symbols_[b.right];
      if (left.n == 0 || right.n == 0 || left.n + right.n != b.size) continue; // stale
      left.n += right.n;
      right.n = 0;
      left.next = right.next;
      if (right.next >= 0) symbols_[right.next].prev = b.left;
      try_add_bigram(left.prev, b.left);
      try_add_bigram(b.left, left.next);
    }
    for (int i = 0; i != -1; i = symbols_[i].next) resegment(symbols_[i], out);
  }

 private:
  std::string_view text_of(const Symbol& s) const { return text_.substr(s.offset, s.n); }

  void try_add_bigram(int left, int right) {
    if (left == -1 || right == -1) return;
    const std::string_view joined = text_.substr(symbols_[left].offset, symbols_[left].n + symbols_[right].n);
    const int32_t id = index_.find(joined);
    if (id == kNoToken) return;
    queue_.push(Bigram{left, right, index_.score(id), joined.size()});
  }

  // A merged symbol is always a token (merges only form tokens), so a symbol that is not a
  // token is a single character: emit it as byte tokens.
  void resegment(const Symbol& s, std::vector<int32_t>& out) const {
    const std::string_view text = text_of(s);
    if (const int32_t id = index_.find(text); id != kNoToken) {
      out.push_back(id);
      return;
    }
    for (char c : text)
      if (const int32_t id = index_.byte_token(uint8_t(c)); id != kNoToken) out.push_back(id);
  }

  const VocabIndex& index_;
  std::string_view text_;
  std::vector<Symbol> symbols_;
  std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue_;
};

} // namespace

void spm_encode(const VocabIndex& index, std::string_view text, std::vector<int32_t>& out) {
  SpmSession(index, text).encode(out);
}

} // namespace llmhost::tok
