// A tokenizer vocabulary as llama.cpp reads it from GGUF metadata (tokenizer.ggml.*), with
// llama.cpp's per-model defaults already applied, so every consumer sees resolved values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "llmhost/status.hpp"

namespace llmhost::gguf {
class File;
}

namespace llmhost::tok {

inline constexpr int32_t kNoToken = -1;

// tokenizer.ggml.token_type values (as gguf writes them).
enum class TokenType : int32_t {
  undefined = 0, normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6,
};

// Token attributes (llama_token_attr): derived from the type, plus lstrip/rstrip flags.
enum TokenAttr : uint32_t {
  kAttrUndefined = 0,
  kAttrUnknown = 1u << 0,
  kAttrUnused = 1u << 1,
  kAttrNormal = 1u << 2,
  kAttrControl = 1u << 3,
  kAttrUserDefined = 1u << 4,
  kAttrByte = 1u << 5,
  kAttrNormalized = 1u << 6,
  kAttrLstrip = 1u << 7,
  kAttrRstrip = 1u << 8,
  kAttrSingleWord = 1u << 9,
};

struct Vocab {
  std::string model = "llama"; // tokenizer.ggml.model: "llama" (SPM), "gpt2" (BPE), "bert" (WPM)
  std::string pre = "default"; // tokenizer.ggml.pre: BPE pre-tokenizer name
  std::string name;            // general.name (some models get token attributes by name)

  std::vector<std::string> tokens;
  std::vector<float> scores;        // empty or one per token
  std::vector<int32_t> token_types; // empty (all normal) or one per token (TokenType values)
  std::vector<uint32_t> token_attrs; // filled by resolve(); one per token (TokenAttr bits)
  std::vector<std::string> merges;   // BPE: "left right", rank = index

  int32_t bos = kNoToken, eos = kNoToken, eot = kNoToken, eom = kNoToken, unk = kNoToken,
          pad = kNoToken, sep = kNoToken, mask = kNoToken;
  int32_t fim_pre = kNoToken, fim_suf = kNoToken, fim_mid = kNoToken, fim_pad = kNoToken,
          fim_rep = kNoToken, fim_sep = kNoToken;
  std::vector<int32_t> eog_ids; // end-of-generation tokens, sorted; filled by resolve()

  bool add_bos = false;
  bool add_eos = false;
  bool add_sep = false;          // WordPiece: [SEP] after the text
  bool add_space_prefix = false; // SPM: a space before the first text fragment
  bool ignore_merges = false;    // BPE: a word found whole in the vocab is one token (Llama 3)
  bool clean_spaces = false;     // detokenize: clean_up_tokenization_spaces
  bool remove_extra_whitespaces = false;
};

// Sets llama.cpp's defaults for vocab.model / vocab.pre (special ids, add_bos, clean_spaces,
// ...). Errors on an unknown model or BPE pre-tokenizer. Metadata overrides come after this.
Status apply_model_defaults(Vocab& vocab);

// Completes a vocab whose tokens/types/ids are set: token attributes, EOT/EOM/FIM detection by
// token text, the end-of-generation set, id range checks. Idempotent.
Status resolve(Vocab& vocab);

// From GGUF metadata (llama.cpp's llama_vocab::load).
Result<Vocab> vocab_from_gguf(const gguf::File& file);

// From a Hugging Face tokenizer.json (+ optional tokenizer_config.json): the vocabulary
// llama.cpp's convert_hf_to_gguf.py would write. Byte-level BPE only (Llama 3, Qwen2/3, GPT-2
// style); the pre-tokenizer is recognised from the Split regex.
Result<Vocab> vocab_from_hf(const std::filesystem::path& tokenizer_json,
                            const std::filesystem::path& tokenizer_config_json);

} // namespace llmhost::tok
