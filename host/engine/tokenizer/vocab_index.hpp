// Lookup structures built once from a Vocab and shared by the encoders (internal header).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/tokenizer/pretokenize.hpp"
#include "engine/tokenizer/vocab.hpp"

namespace llmhost::tok {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

enum class VocabKind { spm, bpe, wpm };

struct VocabIndex {
  const Vocab* vocab = nullptr;
  VocabKind kind = VocabKind::spm;
  PreKind pre = PreKind::default_;
  StringMap<int32_t> token_to_id; // the first id wins for duplicate texts
  StringMap<int32_t> merge_rank;  // "left right" -> rank
  size_t max_token_len = 0;

  int32_t find(std::string_view text) const {
    auto it = token_to_id.find(text);
    return it == token_to_id.end() ? kNoToken : it->second;
  }
  int32_t rank(std::string_view left, std::string_view right) const;
  float score(int32_t id) const { return vocab->scores.empty() ? 0.0f : vocab->scores[size_t(id)]; }
  // SPM byte fallback: <0xXX>, else the byte itself, else unk (kNoToken when there is none).
  int32_t byte_token(uint8_t byte) const;
};

// Encoders for one raw-text fragment; they append to `out`.
void spm_encode(const VocabIndex& index, std::string_view text, std::vector<int32_t>& out);
void bpe_encode(const VocabIndex& index, std::string_view text, std::vector<int32_t>& out);
void wpm_encode(const VocabIndex& index, std::string_view text, std::vector<int32_t>& out);

} // namespace llmhost::tok
