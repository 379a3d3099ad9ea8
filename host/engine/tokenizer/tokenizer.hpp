// Text <-> token ids for the three vocabulary kinds llama.cpp supports in GGUF files:
// SentencePiece-style (tokenizer.ggml.model = llama), byte-level BPE (gpt2) and WordPiece (bert).
// Behaviour follows llama.cpp's llama-vocab token for token (tokenize, token_to_piece,
// detokenize). A Tokenizer is immutable after create() and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/vocab.hpp"
#include "llmhost/status.hpp"

namespace llmhost::tok {

struct VocabIndex;

class Tokenizer {
 public:
  // Resolves the vocab (see resolve()) and builds its lookup tables.
  static Result<std::unique_ptr<Tokenizer>> create(Vocab vocab);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // add_special: BOS/EOS/SEP as the vocab asks (add_bos, add_eos, add_sep).
  // parse_special: control tokens written in the text ("<|im_end|>") become their ids;
  // user-defined tokens are always matched, as in llama.cpp.
  std::vector<int32_t> tokenize(std::string_view text, bool add_special, bool parse_special) const;

  // The bytes of one token (llama_token_to_piece): control/unknown tokens are empty unless
  // render_special; byte tokens give their byte; an id out of range gives "".
  std::string token_to_piece(int32_t id, bool render_special) const;

  // Concatenated pieces (llama_detokenize): remove_special drops a leading BOS / trailing EOS
  // that the vocab adds; SPM drops the space its prefix added; clean_spaces is applied.
  std::string detokenize(std::span<const int32_t> ids, bool remove_special, bool unparse_special) const;

  int32_t n_vocab() const { return int32_t(vocab_.tokens.size()); }
  int32_t bos() const { return vocab_.bos; }
  int32_t eos() const { return vocab_.eos; }
  int32_t eot() const { return vocab_.eot; }
  bool is_eog(int32_t id) const;
  bool is_control(int32_t id) const;
  bool add_bos() const { return vocab_.add_bos; }
  bool add_eos() const { return vocab_.add_eos; }
  std::string_view token_text(int32_t id) const;
  // Id of a token by exact text, kNoToken if none.
  int32_t find_token(std::string_view text) const;
  const Vocab& vocab() const { return vocab_; }

 private:
  explicit Tokenizer(Vocab vocab);
  struct Fragment {
    int32_t token = kNoToken; // kNoToken: raw text [offset, offset + length)
    size_t offset = 0;
    size_t length = 0;
  };
  std::vector<Fragment> partition(std::string_view text, bool parse_special) const;
  std::string piece_of(int32_t id) const;

  Vocab vocab_;
  std::unique_ptr<VocabIndex> index_;
  std::vector<int32_t> special_tokens_; // control/user-defined/unknown, longest text first
};

} // namespace llmhost::tok
