// Executes a parsed template against variables, with Jinja2's scoping: a for-loop body and a
// macro call get their own scope, so {% set %} inside them does not leak (hence namespace()).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/template/ast.hpp"
#include "engine/template/value.hpp"

namespace llmhost::tmpl {

class Interpreter {
 public:
  // `globals` holds the render variables and global functions; it becomes the outermost scope.
  Interpreter(std::string_view source, std::shared_ptr<Dict> globals);

  // Renders `body`; throws TemplateError on runtime errors.
  std::string render(const Body& body);

  Value eval(const Expr& e);
  Value call(const Value& callee, CallArgs& args);

  // Attribute and item access with Jinja's fallbacks (missing -> Undefined).
  Value get_attr(const Value& obj, const std::string& name);
  Value get_item(const Value& obj, const Value& key);

  [[noreturn]] void fail(const std::string& what, size_t pos) const;

 private:
  enum class Flow { normal, break_loop, continue_loop };

  std::string_view source_;
  std::vector<std::shared_ptr<Dict>> scopes_;
  // Guards against templates that would never finish or exhaust memory or the stack.
  size_t steps_ = 0;
  int macro_depth_ = 0;

  Flow exec_body(const Body& body, std::string& out);
  Flow exec(const Stmt& s, std::string& out);
  void exec_for(const Stmt& s, std::string& out);
  void exec_set(const Stmt& s);
  void assign(const std::vector<std::string>& targets, const Value& value, size_t pos);
  Value make_macro(const Stmt& s);
  Value lookup(const std::string& name) const;
  Value eval_binary(const Expr& e);
  Value eval_compare(const Expr& e);
  Value eval_slice(const Expr& e);
  CallArgs eval_args(const Expr& e, size_t first);

  friend class ScopeGuard;
};

// Limits a template runs under; exceeding one is an error, never a crash or a hang.
inline constexpr size_t kMaxSteps = 1'000'000;
inline constexpr size_t kMaxOutputBytes = 64u << 20;
inline constexpr int kMaxMacroDepth = 200;

// Python operators on values (shared with filters).
Value binary_op(const std::string& op, const Value& a, const Value& b);
bool contains(const Value& container, const Value& item);
// markupsafe.escape: Markup stays as is, anything else is HTML-escaped into Markup.
Value html_escape(const Value& v);

// Filters, tests and methods (builtins.cpp, methods.cpp).
Value apply_filter(Interpreter& in, const std::string& name, const Value& subject, CallArgs& args);
bool apply_test(Interpreter& in, const std::string& name, const Value& subject, CallArgs& args);
bool is_known_filter(const std::string& name);
bool is_known_test(const std::string& name);
// A bound method of a str, list or dict, or Undefined when `obj` has no such method.
Value bound_method(const Value& obj, const std::string& name);
// Global functions available to every template: range, dict, namespace, raise_exception, ...
void add_global_functions(Dict& globals, int64_t now_unix);

} // namespace llmhost::tmpl
