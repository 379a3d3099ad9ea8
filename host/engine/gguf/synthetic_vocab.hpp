// Internal to the synthetic model generator: the tokenizer.* metadata it writes.
#pragma once

#include <filesystem>

#include "engine/gguf/gguf_writer.hpp"

namespace llmhost::gguf {

// Copies every tokenizer.* key of the GGUF at `vocab_file` into `w`; returns the token count.
Result<int64_t> copy_vocab(Writer& w, const std::filesystem::path& vocab_file);
// Writes the byte-level SentencePiece ("llama") vocabulary; returns kByteVocabSize.
int64_t write_byte_vocab(Writer& w);

} // namespace llmhost::gguf
