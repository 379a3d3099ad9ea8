// Byte-level BPE as llama.cpp's llm_tokenizer_bpe: pre-tokenize, map each word's bytes to
// GPT-2's printable stand-ins, then merge adjacent symbols by merge rank (lowest first).
#include <queue>

#include "engine/tokenizer/unicode.hpp"
#include "engine/tokenizer/vocab_index.hpp"

namespace llmhost::tok {
namespace {

struct Symbol {
  int prev = -1;
  int next = -1;
  size_t offset = 0;
  size_t n = 0;
};

struct Bigram {
  int left = 0;
  int right = 0;
  int32_t rank = 0;
  size_t size = 0;
};

struct BigramOrder {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
  }
};

class BpeWord {
 public:
  BpeWord(const VocabIndex& index, std::string_view word) : index_(index), word_(word) {}

  void encode(std::vector<int32_t>& out) {
    if (index_.vocab->ignore_merges && index_.find(word_) != kNoToken) {
      out.push_back(index_.find(word_));
      return;
    }
    for (size_t offs = 0; offs < word_.size();) {
      Symbol s;
      s.offset = offs;
      s.n = std::min(unicode::utf8_len(uint8_t(word_[offs])), word_.size() - offs);
      offs += s.n;
      s.prev = int(symbols_.size()) - 1;
      s.next = offs == word_.size() ? -1 : int(symbols_.size()) + 1;
      symbols_.push_back(s);
    }
    for (int i = 1; i < int(symbols_.size()); ++i) try_add_bigram(i - 1, i);
    while (!queue_.empty()) {
      const Bigram b = queue_.top();
      queue_.pop();
      Symbol& left = symbols_[b.left];
      Symbol& right = symbols_[b.right];
      // Stale when either side changed since the pair was queued.
      if (left.n == 0 || right.n == 0 || left.n + right.n != b.size || left.next != b.right) continue;
      left.n += right.n;
      right.n = 0;
      left.next = right.next;
      if (right.next >= 0) symbols_[right.next].prev = b.left;
      try_add_bigram(left.prev, b.left);
      try_add_bigram(b.left, left.next);
    }
    for (const Symbol& s : symbols_) {
      if (s.n == 0) continue;
      const std::string_view text = word_.substr(s.offset, s.n);
      if (const int32_t id = index_.find(text); id != kNoToken) {
        out.push_back(id);
        continue;
      }
      // Not a token: llama.cpp tries each byte alone (rarely finds one).
      for (char c : text)
        if (const int32_t id = index_.find(std::string_view(&c, 1)); id != kNoToken) out.push_back(id);
    }
  }

 private:
  void try_add_bigram(int left, int right) {
    if (left == -1 || right == -1) return;
    const Symbol& l = symbols_[left];
    const Symbol& r = symbols_[right];
    const int32_t rank = index_.rank(word_.substr(l.offset, l.n), word_.substr(r.offset, r.n));
    if (rank < 0) return;
    queue_.push(Bigram{left, right, rank, l.n + r.n});
  }

  const VocabIndex& index_;
  std::string_view word_;
  std::vector<Symbol> symbols_;
  std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue_;
};

} // namespace

void bpe_encode(const VocabIndex& index, std::string_view text, std::vector<int32_t>& out) {
  for (const std::string& word : pre_tokenize(text, index.pre)) {
    const std::string encoded = unicode::bytes_to_byte_level(word);
    BpeWord(index, encoded).encode(out);
  }
}

} // namespace llmhost::tok
