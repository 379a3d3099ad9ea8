#include <charconv>

#include "engine/template/parser_impl.hpp"

namespace llmhost::tmpl::detail {

ExprPtr Parser::parse_tuple_or_expr(bool allow_ternary) {
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

ExprPtr Parser::parse_expression() {
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

ExprPtr Parser::binary(std::string op, ExprPtr l, ExprPtr r, size_t pos) {
  auto b = make(ExprKind::binary, pos);
  b->name = std::move(op);
  b->args.push_back(std::move(l));
  b->args.push_back(std::move(r));
  return b;
}

ExprPtr Parser::parse_or() {
  ExprPtr e = parse_and();
  while (is_name("or")) {
    size_t pos = advance().pos;
    e = binary("or", std::move(e), parse_and(), pos);
  }
  return e;
}

ExprPtr Parser::parse_and() {
  ExprPtr e = parse_not();
  while (is_name("and")) {
    size_t pos = advance().pos;
    e = binary("and", std::move(e), parse_not(), pos);
  }
  return e;
}

ExprPtr Parser::parse_not() {
  DepthGuard guard(*this);
  if (is_name("not")) {
    auto u = make(ExprKind::unary, advance().pos);
    u->name = "not";
    u->args.push_back(parse_not());
    return u;
  }
  return parse_compare();
}

ExprPtr Parser::parse_compare() {
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

ExprPtr Parser::parse_math1() {
  ExprPtr e = parse_concat();
  while (is_op("+") || is_op("-")) {
    const Token& t = advance();
    e = binary(t.value, std::move(e), parse_concat(), t.pos);
  }
  return e;
}

ExprPtr Parser::parse_concat() {
  ExprPtr e = parse_math2();
  while (is_op("~")) {
    size_t pos = advance().pos;
    e = binary("~", std::move(e), parse_math2(), pos);
  }
  return e;
}

ExprPtr Parser::parse_math2() {
  ExprPtr e = parse_pow();
  while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
    const Token& t = advance();
    e = binary(t.value, std::move(e), parse_pow(), t.pos);
  }
  return e;
}

ExprPtr Parser::parse_pow() {
  ExprPtr e = parse_unary(true);
  while (is_op("**")) {
    size_t pos = advance().pos;
    e = binary("**", std::move(e), parse_unary(true), pos);
  }
  return e;
}

ExprPtr Parser::parse_unary(bool with_filter) {
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

ExprPtr Parser::parse_primary() {
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

ExprPtr Parser::parse_postfix(ExprPtr e) {
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

ExprPtr Parser::parse_subscript(ExprPtr obj) {
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

void Parser::parse_call_args(Expr& call) {
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

ExprPtr Parser::parse_call(ExprPtr callee) {
  auto c = make(ExprKind::call, cur().pos);
  c->args.push_back(std::move(callee));
  parse_call_args(*c);
  return c;
}

ExprPtr Parser::parse_filter(ExprPtr subject) {
  size_t pos = advance().pos; // '|'
  return parse_filter_named(std::move(subject), pos);
}

ExprPtr Parser::parse_filter_named(ExprPtr subject, size_t pos) {
  auto f = make(ExprKind::filter, pos);
  f->name = expect_name();
  while (accept_op(".")) f->name += "." + expect_name();
  f->args.push_back(std::move(subject));
  if (is_op("(")) parse_call_args(*f);
  return f;
}

ExprPtr Parser::parse_filter_expr(ExprPtr e) {
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

} // namespace llmhost::tmpl::detail
