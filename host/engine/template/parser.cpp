#include "engine/template/parser.hpp"

#include <charconv>
#include <initializer_list>

namespace llmhost::tmpl {
namespace {

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

  // ---- statements ----

  // Parses until a block tag whose keyword is in `ends`; leaves `end` = that keyword, positioned
  // after the keyword (the caller parses the rest of that tag).
  Body parse_body(std::initializer_list<std::string_view> ends, std::string& end) {
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

  StmtPtr parse_statement() {
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

  void parse_params(std::vector<std::pair<std::string, ExprPtr>>& params) {
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
  ExprPtr parse_filter_chain_placeholder(bool required = false) {
    auto e = make(ExprKind::name, cur().pos);
    e->name = "__body__";
    if (required) e = parse_filter_named(std::move(e), cur().pos);
    while (is_op("|")) e = parse_filter(std::move(e));
    return e;
  }

  // ---- expressions ----

  ExprPtr parse_tuple_or_expr(bool allow_ternary) {
    size_t pos = cur().pos;
    ExprPtr first = allow_ternary ? parse_expression() : parse_or();
    if (!is_op(",")) return first;
    auto t = make(ExprKind::tuple, pos);
    t->args.push_back(std::move(first));
    while (accept_op(",")) {
      if (cur().type == TokenType::block_end) break;
      t->args.push_back(allow_ternary ? parse_expression() : parse_or());
    }
    return t;
  }

  ExprPtr parse_expression() {
    ExprPtr e = parse_or();
    while (is_name("if")) {
      size_t pos = advance().pos;
      auto t = make(ExprKind::ternary, pos);
      t->args.push_back(parse_or());
      t->args.push_back(std::move(e));
      t->args.push_back(accept_name("else") ? parse_expression() : nullptr);
      e = std::move(t);
    }
    return e;
  }

  ExprPtr binary(std::string op, ExprPtr l, ExprPtr r, size_t pos) {
    auto b = make(ExprKind::binary, pos);
    b->name = std::move(op);
    b->args.push_back(std::move(l));
    b->args.push_back(std::move(r));
    return b;
  }

  ExprPtr parse_or() {
    ExprPtr e = parse_and();
    while (is_name("or")) {
      size_t pos = advance().pos;
      e = binary("or", std::move(e), parse_and(), pos);
    }
    return e;
  }

  ExprPtr parse_and() {
    ExprPtr e = parse_not();
    while (is_name("and")) {
      size_t pos = advance().pos;
      e = binary("and", std::move(e), parse_not(), pos);
    }
    return e;
  }

  ExprPtr parse_not() {
    DepthGuard guard(*this);
    if (is_name("not")) {
      auto u = make(ExprKind::unary, advance().pos);
      u->name = "not";
      u->args.push_back(parse_not());
      return u;
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    size_t pos = cur().pos;
    ExprPtr first = parse_math1();
    ExprPtr cmp;
    while (true) {
      std::string op;
      if (cur().type == TokenType::op &&
          (cur().value == "==" || cur().value == "!=" || cur().value == "<" || cur().value == ">" ||
           cur().value == "<=" || cur().value == ">=")) {
        op = advance().value;
      } else if (is_name("in")) {
        advance();
        op = "in";
      } else if (is_name("not") && peek().type == TokenType::name && peek().value == "in") {
        advance();
        advance();
        op = "not in";
      } else {
        break;
      }
      if (!cmp) {
        cmp = make(ExprKind::compare, pos);
        cmp->args.push_back(std::move(first));
      }
      cmp->ops.push_back(op);
      cmp->args.push_back(parse_math1());
    }
    return cmp ? std::move(cmp) : std::move(first);
  }

  ExprPtr parse_math1() {
    ExprPtr e = parse_concat();
    while (is_op("+") || is_op("-")) {
      const Token& t = advance();
      e = binary(t.value, std::move(e), parse_concat(), t.pos);
    }
    return e;
  }

  ExprPtr parse_concat() {
    ExprPtr e = parse_math2();
    while (is_op("~")) {
      size_t pos = advance().pos;
      e = binary("~", std::move(e), parse_math2(), pos);
    }
    return e;
  }

  ExprPtr parse_math2() {
    ExprPtr e = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      const Token& t = advance();
      e = binary(t.value, std::move(e), parse_pow(), t.pos);
    }
    return e;
  }

  ExprPtr parse_pow() {
    ExprPtr e = parse_unary(true);
    while (is_op("**")) {
      size_t pos = advance().pos;
      e = binary("**", std::move(e), parse_unary(true), pos);
    }
    return e;
  }

  ExprPtr parse_unary(bool with_filter) {
    DepthGuard guard(*this);
    ExprPtr e;
    if (is_op("-") || is_op("+")) {
      const Token& t = advance();
      e = make(ExprKind::unary, t.pos);
      e->name = t.value;
      e->args.push_back(parse_unary(false));
    } else {
      e = parse_primary();
    }
    e = parse_postfix(std::move(e));
    if (with_filter) e = parse_filter_expr(std::move(e));
    return e;
  }

  ExprPtr parse_primary() {
    const Token& t = cur();
    switch (t.type) {
      case TokenType::name: {
        advance();
        auto e = make(ExprKind::literal, t.pos);
        if (t.value == "true" || t.value == "True") e->value = Value(true);
        else if (t.value == "false" || t.value == "False") e->value = Value(false);
        else if (t.value == "none" || t.value == "None") e->value = Value::none();
        else {
          e->kind = ExprKind::name;
          e->name = t.value;
        }
        return e;
      }
      case TokenType::string: {
        auto e = make(ExprKind::literal, t.pos);
        std::string s;
        while (cur().type == TokenType::string) s += advance().value;
        e->value = Value(std::move(s));
        return e;
      }
      case TokenType::integer: {
        advance();
        auto e = make(ExprKind::literal, t.pos);
        int64_t v = 0;
        auto r = std::from_chars(t.value.data(), t.value.data() + t.value.size(), v);
        if (r.ec != std::errc()) fail_at("integer literal out of range", t.pos);
        e->value = Value(v);
        return e;
      }
      case TokenType::floating: {
        advance();
        auto e = make(ExprKind::literal, t.pos);
        e->value = Value(std::stod(t.value));
        return e;
      }
      case TokenType::op:
        if (t.value == "(") {
          advance();
          if (accept_op(")")) return make(ExprKind::tuple, t.pos);
          ExprPtr first = parse_expression();
          if (accept_op(")")) return first;
          auto tup = make(ExprKind::tuple, t.pos);
          tup->args.push_back(std::move(first));
          while (accept_op(",")) {
            if (is_op(")")) break;
            tup->args.push_back(parse_expression());
          }
          expect_op(")");
          return tup;
        }
        if (t.value == "[") {
          advance();
          auto l = make(ExprKind::list, t.pos);
          while (!accept_op("]")) {
            if (!l->args.empty()) expect_op(",");
            if (accept_op("]")) break;
            l->args.push_back(parse_expression());
          }
          return l;
        }
        if (t.value == "{") {
          advance();
          auto d = make(ExprKind::dict, t.pos);
          while (!accept_op("}")) {
            if (!d->args.empty()) expect_op(",");
            if (accept_op("}")) break;
            d->args.push_back(parse_expression());
            expect_op(":");
            d->args.push_back(parse_expression());
          }
          return d;
        }
        break;
      default: break;
    }
    fail("unexpected token in expression");
  }

  ExprPtr parse_postfix(ExprPtr e) {
    while (true) {
      if (is_op(".")) {
        size_t pos = advance().pos;
        if (cur().type == TokenType::integer) {
          auto s = make(ExprKind::subscript, pos);
          auto idx = make(ExprKind::literal, pos);
          const std::string& digits = advance().value;
          int64_t index = 0;
          auto r = std::from_chars(digits.data(), digits.data() + digits.size(), index);
          if (r.ec != std::errc()) fail_at("index out of range", pos);
          idx->value = Value(index);
          s->args.push_back(std::move(e));
          s->args.push_back(std::move(idx));
          e = std::move(s);
          continue;
        }
        auto a = make(ExprKind::attribute, pos);
        a->name = expect_name();
        a->args.push_back(std::move(e));
        e = std::move(a);
      } else if (is_op("[")) {
        e = parse_subscript(std::move(e));
      } else if (is_op("(")) {
        e = parse_call(std::move(e));
      } else {
        return e;
      }
    }
  }

  ExprPtr parse_subscript(ExprPtr obj) {
    size_t pos = advance().pos;
    ExprPtr parts[3];
    int part = 0;
    bool is_slice = false;
    while (!is_op("]")) {
      if (accept_op(":")) {
        is_slice = true;
        if (++part > 2) fail("too many ':' in slice");
        continue;
      }
      if (parts[part]) fail("expected ':' or ']'");
      parts[part] = parse_expression();
    }
    advance();
    auto s = make(is_slice ? ExprKind::slice : ExprKind::subscript, pos);
    s->args.push_back(std::move(obj));
    if (!is_slice) {
      if (!parts[0]) fail_at("empty subscript", pos);
      s->args.push_back(std::move(parts[0]));
    } else {
      for (auto& p : parts) s->args.push_back(std::move(p));
    }
    return s;
  }

  void parse_call_args(Expr& call) {
    expect_op("(");
    bool first = true;
    while (!accept_op(")")) {
      if (!first) expect_op(",");
      first = false;
      if (accept_op(")")) break;
      if (cur().type == TokenType::name && peek().type == TokenType::op && peek().value == "=") {
        std::string key = advance().value;
        advance();
        call.kwargs.emplace_back(std::move(key), parse_expression());
      } else {
        if (!call.kwargs.empty()) fail("positional argument follows keyword argument");
        call.args.push_back(parse_expression());
      }
    }
  }

  ExprPtr parse_call(ExprPtr callee) {
    auto c = make(ExprKind::call, cur().pos);
    c->args.push_back(std::move(callee));
    parse_call_args(*c);
    return c;
  }

  ExprPtr parse_filter(ExprPtr subject) {
    size_t pos = advance().pos; // '|'
    return parse_filter_named(std::move(subject), pos);
  }

  ExprPtr parse_filter_named(ExprPtr subject, size_t pos) {
    auto f = make(ExprKind::filter, pos);
    f->name = expect_name();
    while (accept_op(".")) f->name += "." + expect_name();
    f->args.push_back(std::move(subject));
    if (is_op("(")) parse_call_args(*f);
    return f;
  }

  ExprPtr parse_filter_expr(ExprPtr e) {
    while (true) {
      if (is_op("|")) {
        e = parse_filter(std::move(e));
      } else if (is_name("is")) {
        size_t pos = advance().pos;
        auto t = make(ExprKind::test, pos);
        bool negated = accept_name("not");
        t->name = expect_name();
        while (accept_op(".")) t->name += "." + expect_name();
        t->args.push_back(std::move(e));
        if (is_op("(")) {
          parse_call_args(*t);
        } else if ((cur().type == TokenType::name || cur().type == TokenType::string ||
                    cur().type == TokenType::integer || cur().type == TokenType::floating ||
                    is_op("(") || is_op("[") || is_op("{")) &&
                   !is_name("else") && !is_name("or") && !is_name("and")) {
          if (is_name("is")) fail("you cannot chain multiple tests with is");
          t->args.push_back(parse_postfix(parse_primary()));
        }
        if (negated) {
          auto n = make(ExprKind::unary, pos);
          n->name = "not";
          n->args.push_back(std::move(t));
          e = std::move(n);
        } else {
          e = std::move(t);
        }
      } else if (is_op("(")) {
        e = parse_call(std::move(e));
      } else {
        return e;
      }
    }
  }
};

} // namespace

Body parse_template(std::string_view source, const std::vector<Token>& tokens) {
  return Parser(source, tokens).parse_all();
}

} // namespace llmhost::tmpl
