// Builds the syntax tree from tokens with Jinja2's grammar and operator precedence.
#pragma once

#include <string_view>
#include <vector>

#include "engine/template/ast.hpp"
#include "engine/template/lexer.hpp"

namespace llmhost::tmpl {

// Throws TemplateError naming the line and column of the offending token.
Body parse_template(std::string_view source, const std::vector<Token>& tokens);

} // namespace llmhost::tmpl
