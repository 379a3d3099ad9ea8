// Splits Jinja template source into tokens: text runs, tag delimiters and the expression tokens
// inside tags. Whitespace control ({%- -%}, {%+ +%}) and Hugging Face's trim_blocks /
// lstrip_blocks settings are applied here, so the parser sees final text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llmhost::tmpl {

enum class TokenType { text, var_begin, var_end, block_begin, block_end, name, string, integer, floating, op, eof };

struct Token {
  TokenType type;
  std::string value; // text, name, decoded string literal, number spelling or operator
  size_t pos = 0;    // byte offset in the source, for line:column in errors
};

struct LexOptions {
  bool trim_blocks = true;   // drop the first newline after a block tag
  bool lstrip_blocks = true; // drop spaces and tabs before a block tag at a line's start
};

// Throws TemplateError (with line:column) on unterminated tags or strings.
std::vector<Token> tokenize(std::string_view source, const LexOptions& options = {});

// "line L, column C" for a byte offset.
std::string describe_position(std::string_view source, size_t pos);

} // namespace llmhost::tmpl
