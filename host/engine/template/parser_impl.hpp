// The parser's shared state and grammar rules; statements and expressions are parsed in
// parser_statements.cpp and parser_expressions.cpp.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/template/ast.hpp"
#include "engine/template/lexer.hpp"

namespace llmhost::tmpl::detail {

class Parser {
 public:
  Parser(std::string_view src, const std::vector<Token>& toks) : src_(src), toks_(toks) {}

  Body parse_all() {
    std::string end;
    Body body = parse_body({}, end);
    if (cur().type != TokenType::eof) fail("unexpected token");
    return body;
  }

 private:
  std::string_view src_;
  const std::vector<Token>& toks_;
  size_t i_ = 0;
  int depth_ = 0;

  // Bounds nesting so hostile templates fail cleanly instead of overflowing the stack.
  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > 200) p.fail("template nested too deeply");
    }
    ~DepthGuard() { --p.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
  };

  const Token& cur() const { return toks_[i_]; }
  const Token& peek(size_t n = 1) const { return toks_[std::min(i_ + n, toks_.size() - 1)]; }
  const Token& advance() { return toks_[i_ < toks_.size() - 1 ? i_++ : i_]; }

  [[noreturn]] void fail(const std::string& what) const { fail_at(what, cur().pos); }
  [[noreturn]] void fail_at(const std::string& what, size_t pos) const {
    std::string near = cur().type == TokenType::eof ? "end of template" : "'" + cur().value + "'";
    throw TemplateError("syntax error: " + what + " (near " + near + ") at " + describe_position(src_, pos));
  }

  bool is_op(std::string_view op) const { return cur().type == TokenType::op && cur().value == op; }
  bool is_name(std::string_view n) const { return cur().type == TokenType::name && cur().value == n; }
  bool accept_op(std::string_view op) {
    if (!is_op(op)) return false;
    advance();
    return true;
  }
  bool accept_name(std::string_view n) {
    if (!is_name(n)) return false;
    advance();
    return true;
  }
  void expect_op(std::string_view op) {
    if (!accept_op(op)) fail("expected '" + std::string(op) + "'");
  }
  std::string expect_name() {
    if (cur().type != TokenType::name) fail("expected a name");
    return advance().value;
  }
  void expect_block_end() {
    if (cur().type != TokenType::block_end) fail("expected end of block tag '%}'");
    advance();
  }

  static ExprPtr make(ExprKind k, size_t pos) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->pos = pos;
    return e;
  }

  // statements (parser_statements.cpp)
  Body parse_body(std::initializer_list<std::string_view> ends, std::string& end);
  StmtPtr parse_statement();
  void parse_params(std::vector<std::pair<std::string, ExprPtr>>& params);
  ExprPtr parse_filter_chain_placeholder(bool required = false);

  // expressions (parser_expressions.cpp)
  ExprPtr parse_tuple_or_expr(bool allow_ternary);
  ExprPtr parse_expression();
  ExprPtr binary(std::string op, ExprPtr l, ExprPtr r, size_t pos);
  ExprPtr parse_or();
  ExprPtr parse_and();
  ExprPtr parse_not();
  ExprPtr parse_compare();
  ExprPtr parse_math1();
  ExprPtr parse_concat();
  ExprPtr parse_math2();
  ExprPtr parse_pow();
  ExprPtr parse_unary(bool with_filter);
  ExprPtr parse_primary();
  ExprPtr parse_postfix(ExprPtr e);
  ExprPtr parse_subscript(ExprPtr obj);
  void parse_call_args(Expr& call);
  ExprPtr parse_call(ExprPtr callee);
  ExprPtr parse_filter(ExprPtr subject);
  ExprPtr parse_filter_named(ExprPtr subject, size_t pos);
  ExprPtr parse_filter_expr(ExprPtr e);
};

} // namespace llmhost::tmpl::detail
