#include "engine/template/interpreter.hpp"
#include "engine/template/parser.hpp"
#include "engine/template/parser_impl.hpp"

namespace llmhost::tmpl {
namespace detail {

// Parses until a block tag whose keyword is in `ends`; leaves `end` = that keyword, positioned
// after the keyword (the caller parses the rest of that tag).
Body Parser::parse_body(std::initializer_list<std::string_view> ends, std::string& end) {
  Body body;
  while (true) {
    const Token& t = cur();
    if (t.type == TokenType::eof) {
      if (ends.size() != 0) fail("unexpected end of template, expected '" + std::string(*(ends.end() - 1)) + "'");
      return body;
    }
    if (t.type == TokenType::text) {
      auto s = std::make_unique<Stmt>();
      s->kind = StmtKind::text;
      s->pos = t.pos;
      s->text = t.value;
      body.push_back(std::move(s));
      advance();
    } else if (t.type == TokenType::var_begin) {
      auto s = std::make_unique<Stmt>();
      s->kind = StmtKind::output;
      s->pos = advance().pos;
      s->expr = parse_expression();
      if (cur().type != TokenType::var_end) fail("expected end of expression '}}'");
      advance();
      body.push_back(std::move(s));
    } else if (t.type == TokenType::block_begin) {
      const Token& kw = peek();
      if (kw.type != TokenType::name) fail_at("expected a tag name", kw.pos);
      for (auto e : ends) {
        if (kw.value == e) {
          advance();
          advance();
          end = kw.value;
          return body;
        }
      }
      advance();
      body.push_back(parse_statement());
    } else {
      fail("unexpected token");
    }
  }
}

StmtPtr Parser::parse_statement() {
  DepthGuard guard(*this);
  size_t pos = cur().pos;
  std::string kw = expect_name();
  auto s = std::make_unique<Stmt>();
  s->pos = pos;
  std::string end;
  if (kw == "if") {
    s->kind = StmtKind::if_;
    ExprPtr cond = parse_expression();
    expect_block_end();
    while (true) {
      Body b = parse_body({"elif", "else", "endif"}, end);
      s->branches.emplace_back(std::move(cond), std::move(b));
      if (end == "elif") {
        cond = parse_expression();
        expect_block_end();
        continue;
      }
      expect_block_end();
      if (end == "else") {
        s->else_body = parse_body({"endif"}, end);
        expect_block_end();
      }
      break;
    }
  } else if (kw == "for") {
    s->kind = StmtKind::for_;
    do s->targets.push_back(expect_name());
    while (accept_op(","));
    if (!accept_name("in")) fail("expected 'in'");
    s->expr = parse_tuple_or_expr(false);
    if (accept_name("if")) s->cond = parse_expression();
    accept_name("recursive");
    expect_block_end();
    s->body = parse_body({"else", "endfor"}, end);
    expect_block_end();
    if (end == "else") {
      s->else_body = parse_body({"endfor"}, end);
      expect_block_end();
    }
  } else if (kw == "set") {
    do s->targets.push_back(expect_name());
    while (accept_op(","));
    if (s->targets.size() == 1 && accept_op(".")) s->attr = expect_name();
    if (accept_op("=")) {
      s->kind = StmtKind::set;
      s->expr = parse_tuple_or_expr(true);
      expect_block_end();
    } else {
      if (s->targets.size() != 1 || !s->attr.empty()) fail("expected '='");
      s->kind = StmtKind::set_block;
      s->expr = parse_filter_chain_placeholder();
      expect_block_end();
      s->body = parse_body({"endset"}, end);
      expect_block_end();
    }
  } else if (kw == "macro") {
    s->kind = StmtKind::macro;
    s->text = expect_name();
    parse_params(s->params);
    expect_block_end();
    s->body = parse_body({"endmacro"}, end);
    if (cur().type == TokenType::name) advance();
    expect_block_end();
  } else if (kw == "call") {
    s->kind = StmtKind::call_block;
    if (is_op("(")) parse_params(s->params);
    s->expr = parse_expression();
    expect_block_end();
    s->body = parse_body({"endcall"}, end);
    expect_block_end();
  } else if (kw == "filter") {
    s->kind = StmtKind::filter_block;
    s->expr = parse_filter_chain_placeholder(true);
    expect_block_end();
    s->body = parse_body({"endfilter"}, end);
    expect_block_end();
  } else if (kw == "break" || kw == "continue") {
    s->kind = kw == "break" ? StmtKind::break_ : StmtKind::continue_;
    expect_block_end();
  } else if (kw == "generation") {
    s->kind = StmtKind::scope;
    expect_block_end();
    s->body = parse_body({"endgeneration"}, end);
    expect_block_end();
  } else {
    fail_at("encountered unknown tag '" + kw + "'", pos);
  }
  return s;
}

void Parser::parse_params(std::vector<std::pair<std::string, ExprPtr>>& params) {
  expect_op("(");
  while (!accept_op(")")) {
    if (!params.empty()) expect_op(",");
    if (accept_op(")")) break;
    std::string name = expect_name();
    ExprPtr def;
    if (accept_op("=")) def = parse_expression();
    params.emplace_back(std::move(name), std::move(def));
  }
}

// The filters of {% filter f|g %} / {% set x | f %}, applied to the rendered body, which the
// interpreter binds to the name "__body__".
ExprPtr Parser::parse_filter_chain_placeholder(bool required) {
  auto e = make(ExprKind::name, cur().pos);
  e->name = "__body__";
  if (required) e = parse_filter_named(std::move(e), cur().pos);
  while (is_op("|")) e = parse_filter(std::move(e));
  return e;
}

} // namespace detail

namespace {

// jinja2 rejects unknown filters and tests when it compiles a template, except inside an
// {% if %} statement or an inline if, where they fail only when evaluated.
class NameChecker {
 public:
  explicit NameChecker(std::string_view src) : src_(src) {}

  void body(const Body& b, bool soft) {
    for (const auto& s : b) stmt(*s, soft);
  }

 private:
  std::string_view src_;

  void stmt(const Stmt& s, bool soft) {
    bool inner_soft = soft || s.kind == StmtKind::if_;
    if (s.expr) expr(*s.expr, inner_soft);
    if (s.cond) expr(*s.cond, inner_soft);
    for (const auto& [cond, b] : s.branches) {
      if (cond) expr(*cond, inner_soft);
      body(b, inner_soft);
    }
    for (const auto& [name, def] : s.params)
      if (def) expr(*def, inner_soft);
    body(s.body, inner_soft);
    body(s.else_body, inner_soft);
  }

  void expr(const Expr& e, bool soft) {
    bool inner_soft = soft || e.kind == ExprKind::ternary;
    if (!inner_soft) {
      if (e.kind == ExprKind::filter && !is_known_filter(e.name))
        throw TemplateError("no filter named '" + e.name + "' at " + describe_position(src_, e.pos));
      if (e.kind == ExprKind::test && !is_known_test(e.name))
        throw TemplateError("no test named '" + e.name + "' at " + describe_position(src_, e.pos));
    }
    for (const auto& a : e.args)
      if (a) expr(*a, inner_soft);
    for (const auto& kv : e.kwargs) expr(*kv.second, inner_soft);
  }
};

} // namespace

Body parse_template(std::string_view source, const std::vector<Token>& tokens) {
  Body body = detail::Parser(source, tokens).parse_all();
  NameChecker(source).body(body, false);
  return body;
}

} // namespace llmhost::tmpl
