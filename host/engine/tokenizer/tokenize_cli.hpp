// `llmhost tokenize` / `llmhost detokenize`: text <-> ids with a GGUF model's vocabulary.
// args exclude the subcommand name. Return the process exit code (0 ok, 1 error, 2 usage).
#pragma once

#include <ostream>
#include <span>
#include <string>

namespace llmhost::tok {

// tokenize --model PATH.gguf [--no-bos] [--no-parse-special] [-f FILE | --stdin | TEXT]
// Prints the ids as a JSON array (like llama-tokenize --ids). Defaults as llama-tokenize:
// special tokens added as the model asks, special-token text parsed.
int run_tokenize_command(std::span<const std::string> args, std::ostream& out, std::ostream& err);

// detokenize --model PATH.gguf [--no-special] "[1,2,3]"   Prints the text (special tokens
// rendered unless --no-special).
int run_detokenize_command(std::span<const std::string> args, std::ostream& out, std::ostream& err);

} // namespace llmhost::tok
