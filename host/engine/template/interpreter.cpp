#include "engine/template/interpreter.hpp"

#include <algorithm>
#include <optional>

#include "engine/template/lexer.hpp"

namespace llmhost::tmpl {

// Pushes a scope for its lifetime.
class ScopeGuard {
 public:
  explicit ScopeGuard(Interpreter& in) : in_(in) { in_.scopes_.push_back(make_dict()); }
  ~ScopeGuard() { in_.scopes_.pop_back(); }
  Dict& scope() { return *in_.scopes_.back(); }
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;

 private:
  Interpreter& in_;
};

Interpreter::Interpreter(std::string_view source, std::shared_ptr<Dict> globals) : source_(source) {
  scopes_.push_back(std::move(globals));
  scopes_.push_back(make_dict()); // the template's own top-level assignments
}

void Interpreter::fail(const std::string& what, size_t pos) const {
  throw TemplateError(what + " (at " + describe_position(source_, pos) + ")");
}

std::string Interpreter::render(const Body& body) {
  std::string out;
  exec_body(body, out);
  return out;
}

Interpreter::Flow Interpreter::exec_body(const Body& body, std::string& out) {
  for (const auto& s : body) {
    Flow f = exec(*s, out);
    if (f != Flow::normal) return f;
  }
  return Flow::normal;
}

Interpreter::Flow Interpreter::exec(const Stmt& s, std::string& out) {
  if (++steps_ > kMaxSteps) fail("template exceeded its step limit (" + std::to_string(kMaxSteps) + ")", s.pos);
  if (out.size() > kMaxOutputBytes) fail("template output exceeded " + std::to_string(kMaxOutputBytes) + " bytes", s.pos);
  switch (s.kind) {
    case StmtKind::text: out += s.text; return Flow::normal;
    case StmtKind::output: out += eval(*s.expr).str(); return Flow::normal;
    case StmtKind::if_:
      for (const auto& [cond, body] : s.branches)
        if (eval(*cond).truthy()) return exec_body(body, out);
      return exec_body(s.else_body, out);
    case StmtKind::for_: exec_for(s, out); return Flow::normal;
    case StmtKind::set: exec_set(s); return Flow::normal;
    case StmtKind::set_block: {
      std::string captured;
      exec_body(s.body, captured);
      ScopeGuard g(*this);
      g.scope().set(Value("__body__"), Value(std::move(captured)));
      Value v = eval(*s.expr);
      scopes_[scopes_.size() - 2]->set(Value(s.targets[0]), v);
      return Flow::normal;
    }
    case StmtKind::macro: scopes_.back()->set(Value(s.text), make_macro(s)); return Flow::normal;
    case StmtKind::call_block: {
      // caller() renders the block body in the scope where the call appears.
      auto scopes = scopes_;
      Value caller = Value::function("caller", [this, &s, scopes](CallArgs&) {
        auto saved = scopes_;
        scopes_ = scopes;
        std::string inner;
        exec_body(s.body, inner);
        scopes_ = saved;
        return Value(std::move(inner));
      });
      ScopeGuard g(*this);
      g.scope().set(Value("caller"), caller);
      out += eval(*s.expr).str();
      return Flow::normal;
    }
    case StmtKind::filter_block: {
      std::string captured;
      exec_body(s.body, captured);
      ScopeGuard g(*this);
      g.scope().set(Value("__body__"), Value(std::move(captured)));
      out += eval(*s.expr).str();
      return Flow::normal;
    }
    case StmtKind::break_: return Flow::break_loop;
    case StmtKind::continue_: return Flow::continue_loop;
    case StmtKind::scope: return exec_body(s.body, out);
  }
  return Flow::normal;
}

void Interpreter::exec_for(const Stmt& s, std::string& out) {
  Value iterable = eval(*s.expr);
  if (!iterable.is_undefined() && !iterable.is_list() && !iterable.is_dict() && !iterable.is_string())
    fail("'" + iterable.type_name() + "' object is not iterable", s.expr->pos);
  List items = iterable.iterate();
  if (s.cond) {
    List kept;
    for (auto& item : items) {
      ScopeGuard g(*this);
      assign(s.targets, item, s.pos);
      if (eval(*s.cond).truthy()) kept.push_back(item);
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    exec_body(s.else_body, out);
    return;
  }
  const auto n = static_cast<int64_t>(items.size());
  for (int64_t i = 0; i < n; ++i) {
    if (++steps_ > kMaxSteps) fail("template exceeded its step limit (" + std::to_string(kMaxSteps) + ")", s.pos);
    ScopeGuard g(*this);
    auto loop = make_dict();
    loop->items.reserve(12);
    auto field = [&loop](const char* name, Value v) { loop->items.emplace_back(Value(name), std::move(v)); };
    field("index", Value(i + 1));
    field("index0", Value(i));
    field("revindex", Value(n - i));
    field("revindex0", Value(n - i - 1));
    field("first", Value(i == 0));
    field("last", Value(i == n - 1));
    field("length", Value(n));
    field("depth", Value(int64_t{1}));
    field("depth0", Value(int64_t{0}));
    field("previtem", i > 0 ? items[i - 1] : Value::undefined("there is no previous item"));
    field("nextitem", i + 1 < n ? items[i + 1] : Value::undefined("there is no next item"));
    field("cycle", Value::function("cycle", [i](CallArgs& a) {
      if (a.args.empty()) throw TemplateError("no items for cycling given");
      return a.args[static_cast<size_t>(i) % a.args.size()];
    }));
    g.scope().set(Value("loop"), Value(loop));
    assign(s.targets, items[i], s.pos);
    Flow f = exec_body(s.body, out);
    if (f == Flow::break_loop) break;
  }
}

void Interpreter::assign(const std::vector<std::string>& targets, const Value& value, size_t pos) {
  Dict& scope = *scopes_.back();
  if (targets.size() == 1) {
    scope.set(Value(targets[0]), value);
    return;
  }
  List parts = value.iterate();
  if (parts.size() != targets.size())
    fail("cannot unpack " + std::to_string(parts.size()) + " values into " +
             std::to_string(targets.size()) + " names", pos);
  for (size_t i = 0; i < targets.size(); ++i) scope.set(Value(targets[i]), parts[i]);
}

void Interpreter::exec_set(const Stmt& s) {
  Value v = eval(*s.expr);
  if (!s.attr.empty()) {
    Value ns = lookup(s.targets[0]);
    if (!ns.is_namespace()) fail("cannot assign attribute on non-namespace object", s.pos);
    ns.as_dict().set(Value(s.attr), v);
    return;
  }
  assign(s.targets, v, s.pos);
}

Value Interpreter::make_macro(const Stmt& s) {
  const Stmt* def = &s;
  return Value::function(s.text, [this, def](CallArgs& a) {
    if (macro_depth_ >= kMaxMacroDepth) throw TemplateError("macro recursion too deep");
    auto saved = scopes_;
    ++macro_depth_;
    scopes_.resize(2); // macros see globals and top-level names, not the caller's locals
    Value caller = saved.back()->get(Value("caller"));
    auto scope = make_dict();
    scopes_.push_back(scope);
    size_t i = 0;
    for (const auto& [name, fallback] : def->params) {
      Value v;
      bool found = false;
      for (const auto& [k, kv] : a.kwargs)
        if (k == name) { v = kv; found = true; }
      if (!found && i < a.args.size()) { v = a.args[i]; found = true; }
      if (!found && fallback) v = eval(*fallback);
      scope->set(Value(name), v);
      ++i;
    }
    List varargs;
    for (size_t j = def->params.size(); j < a.args.size(); ++j) varargs.push_back(a.args[j]);
    scope->set(Value("varargs"), Value(std::move(varargs)));
    if (!caller.is_undefined()) scope->set(Value("caller"), caller);
    std::string out;
    try {
      exec_body(def->body, out);
    } catch (...) {
      scopes_ = saved;
      --macro_depth_;
      throw;
    }
    scopes_ = saved;
    --macro_depth_;
    return Value(std::move(out));
  });
}

Value Interpreter::lookup(const std::string& name) const {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
    if (const Value* v = (*it)->find(Value(name))) return *v;
  return Value::undefined("'" + name + "' is undefined");
}

CallArgs Interpreter::eval_args(const Expr& e, size_t first) {
  CallArgs a;
  for (size_t i = first; i < e.args.size(); ++i) a.args.push_back(eval(*e.args[i]));
  for (const auto& [k, v] : e.kwargs) a.kwargs.emplace_back(k, eval(*v));
  return a;
}

Value Interpreter::call(const Value& callee, CallArgs& args) {
  if (callee.is_callable()) return callee.as_callable().fn(args);
  if (callee.is_undefined())
    throw TemplateError(callee.undefined_hint().empty() ? "call of an undefined value" : callee.undefined_hint());
  throw TemplateError("'" + callee.type_name() + "' object is not callable");
}

Value Interpreter::get_attr(const Value& obj, const std::string& name) {
  if (obj.is_undefined())
    throw TemplateError(obj.undefined_hint().empty() ? "'" + name + "' of an undefined value" : obj.undefined_hint());
  if (obj.is_dict()) {
    if (!obj.is_namespace()) {
      Value m = bound_method(obj, name);
      if (!m.is_undefined() || !m.undefined_hint().empty()) return m;
    }
    if (const Value* v = obj.as_dict().find(Value(name))) return *v;
    return Value::undefined("'dict object' has no attribute '" + name + "'");
  }
  Value m = bound_method(obj, name);
  if (!m.is_undefined() || !m.undefined_hint().empty()) return m;
  return Value::undefined("'" + obj.type_name() + " object' has no attribute '" + name + "'");
}

Value Interpreter::get_item(const Value& obj, const Value& key) {
  if (obj.is_undefined())
    throw TemplateError(obj.undefined_hint().empty() ? "subscript of an undefined value" : obj.undefined_hint());
  if (obj.is_dict() && !obj.is_namespace()) {
    if (const Value* v = obj.as_dict().find(key)) return *v;
  } else if (obj.is_generator()) {
    return Value::undefined("'generator' object is not subscriptable");
  } else if ((obj.is_list() || obj.is_string()) && key.is_int()) {
    int64_t i = key.as_int();
    if (obj.is_list()) {
      auto n = static_cast<int64_t>(obj.as_list().size());
      if (i < 0) i += n;
      if (i >= 0 && i < n) return obj.as_list()[static_cast<size_t>(i)];
    } else {
      auto chars = utf8_chars(obj.as_string());
      auto n = static_cast<int64_t>(chars.size());
      if (i < 0) i += n;
      if (i >= 0 && i < n) return Value(chars[static_cast<size_t>(i)]);
    }
    return Value::undefined(obj.type_name() + " object has no element " + std::to_string(key.as_int()));
  }
  if (key.is_string()) return get_attr(obj, key.as_string());
  return Value::undefined("'" + obj.type_name() + " object' has no attribute " + key.repr());
}

Value Interpreter::eval_slice(const Expr& e) {
  Value obj = eval(*e.args[0]);
  auto part = [&](int k) -> std::optional<int64_t> {
    if (!e.args[k]) return std::nullopt;
    Value v = eval(*e.args[k]);
    if (v.is_none()) return std::nullopt;
    if (!v.is_int()) fail("slice indices must be integers or None", e.pos);
    return v.as_int();
  };
  auto start = part(1), stop = part(2), step_opt = part(3);
  int64_t step = step_opt.value_or(1);
  if (step == 0) fail("slice step cannot be zero", e.pos);
  List items;
  bool is_str = obj.is_string();
  if (is_str) for (auto& c : utf8_chars(obj.as_string())) items.emplace_back(std::move(c));
  else if (obj.is_list()) items = obj.as_list();
  else if (obj.is_undefined()) fail(obj.undefined_hint().empty() ? "slice of an undefined value" : obj.undefined_hint(), e.pos);
  else fail("'" + obj.type_name() + "' object is not subscriptable", e.pos);
  auto n = static_cast<int64_t>(items.size());
  auto clamp = [&](std::optional<int64_t> v, int64_t def) {
    if (!v) return def;
    int64_t x = *v < 0 ? *v + n : *v;
    if (step > 0) return std::clamp<int64_t>(x, 0, n);
    return std::clamp<int64_t>(x, -1, n - 1);
  };
  int64_t b = clamp(start, step > 0 ? 0 : n - 1);
  int64_t en = clamp(stop, step > 0 ? n : -1);
  List out;
  for (int64_t i = b; step > 0 ? i < en : i > en; i += step) out.push_back(items[static_cast<size_t>(i)]);
  if (!is_str) return Value(std::move(out));
  std::string s;
  for (auto& c : out) s += c.as_string();
  return Value(std::move(s));
}

Value Interpreter::eval(const Expr& e) {
  try {
    switch (e.kind) {
      case ExprKind::literal: return e.value;
      case ExprKind::name: return lookup(e.name);
      case ExprKind::list:
      case ExprKind::tuple: {
        List l;
        for (const auto& a : e.args) l.push_back(eval(*a));
        return e.kind == ExprKind::tuple ? Value::tuple(std::move(l)) : Value(std::move(l));
      }
      case ExprKind::dict: {
        auto d = make_dict();
        for (size_t i = 0; i + 1 < e.args.size(); i += 2) d->set(eval(*e.args[i]), eval(*e.args[i + 1]));
        return Value(std::move(d));
      }
      case ExprKind::attribute: return get_attr(eval(*e.args[0]), e.name);
      case ExprKind::subscript: return get_item(eval(*e.args[0]), eval(*e.args[1]));
      case ExprKind::slice: return eval_slice(e);
      case ExprKind::call: {
        Value callee = eval(*e.args[0]);
        CallArgs a = eval_args(e, 1);
        return call(callee, a);
      }
      case ExprKind::filter: {
        Value subject = eval(*e.args[0]);
        CallArgs a = eval_args(e, 1);
        return apply_filter(*this, e.name, subject, a);
      }
      case ExprKind::test: {
        Value subject = eval(*e.args[0]);
        CallArgs a = eval_args(e, 1);
        return Value(apply_test(*this, e.name, subject, a));
      }
      case ExprKind::unary: {
        Value v = eval(*e.args[0]);
        if (e.name == "not") return Value(!v.truthy());
        if (v.is_undefined()) throw TemplateError(v.undefined_hint());
        if (!v.is_number()) throw TemplateError("bad operand type for unary " + e.name + ": '" + v.type_name() + "'");
        if (e.name == "+") return v.is_float() ? v : Value(v.as_int());
        return v.is_float() ? Value(-v.as_double()) : Value(-v.as_int());
      }
      case ExprKind::binary: return eval_binary(e);
      case ExprKind::compare: return eval_compare(e);
      case ExprKind::ternary:
        if (eval(*e.args[0]).truthy()) return eval(*e.args[1]);
        return e.args[2] ? eval(*e.args[2]) : Value::undefined("the inline if-expression evaluated to false and no else section was defined");
    }
  } catch (const TemplateError& err) {
    // Name the position once, at the innermost expression that failed.
    std::string_view msg = err.what();
    if (msg.find(" (at line ") != std::string_view::npos) throw;
    fail(std::string(msg), e.pos);
  }
  return Value();
}

Value Interpreter::eval_binary(const Expr& e) {
  if (e.name == "and") {
    Value l = eval(*e.args[0]);
    return l.truthy() ? eval(*e.args[1]) : l;
  }
  if (e.name == "or") {
    Value l = eval(*e.args[0]);
    return l.truthy() ? l : eval(*e.args[1]);
  }
  Value l = eval(*e.args[0]);
  Value r = eval(*e.args[1]);
  return binary_op(e.name, l, r);
}

Value Interpreter::eval_compare(const Expr& e) {
  Value left = eval(*e.args[0]);
  for (size_t i = 0; i < e.ops.size(); ++i) {
    Value right = eval(*e.args[i + 1]);
    const std::string& op = e.ops[i];
    bool ok;
    if (op == "==") ok = left == right;
    else if (op == "!=") ok = left != right;
    else if (op == "in") ok = contains(right, left);
    else if (op == "not in") ok = !contains(right, left);
    else {
      if (left.is_undefined() || right.is_undefined())
        throw TemplateError((left.is_undefined() ? left : right).undefined_hint());
      int c = Value::compare(left, right);
      ok = op == "<" ? c < 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : c >= 0;
    }
    if (!ok) return Value(false);
    left = std::move(right);
  }
  return Value(true);
}

} // namespace llmhost::tmpl
