// BPE pre-tokenizers: the regex splits llama.cpp applies before byte-level BPE, written as small
// hand matchers (std::regex has no \p{L}). Each pre-tokenizer is a list of passes; like
// llama.cpp's unicode_regex_split, a pass splits every current piece into its matches and the
// unmatched gaps between them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llmhost/status.hpp"

namespace llmhost::tok {

enum class PreKind {
  default_,       // gpt-neox and unnamed: punctuation runs, GPT-2 regex, digits, 3-digit groups
  gpt2,           // the GPT-2 regex alone (gpt-2, mpt, olmo, ...)
  llama3,         // Llama 3 regex, numbers in groups of up to 3
  qwen2,          // Llama 3 regex with single digits
  qwen35,         // qwen2 with combining marks kept in words
  deepseek_llm,
  deepseek_coder,
  falcon,
  starcoder,      // single digits, then the GPT-2 regex (starcoder, refact, command-r, smollm)
};

// tokenizer.ggml.pre -> kind; an error names an unsupported pre-tokenizer.
Result<PreKind> pre_kind_from_name(std::string_view name);

// Splits text into pre-tokenized words (UTF-8; invalid bytes become U+FFFD as in llama.cpp).
std::vector<std::string> pre_tokenize(std::string_view text, PreKind kind);

} // namespace llmhost::tok
