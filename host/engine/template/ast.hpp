// Syntax tree of a parsed template: expressions and statements, owned by unique_ptr.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/template/value.hpp"

namespace llmhost::tmpl {

enum class ExprKind {
  literal,   // value
  name,      // name
  list,      // args = items
  tuple,     // args = items
  dict,      // args = key0, value0, key1, value1, ...
  attribute, // args[0] . name
  subscript, // args[0] [ args[1] ]
  slice,     // args[0] [ args[1] : args[2] : args[3] ]  (null parts omitted)
  call,      // args[0] ( args[1..], kwargs )
  filter,    // args[0] | name ( args[1..], kwargs )
  test,      // args[0] is name ( args[1..] ); negated when name starts with "not "
  unary,     // name (not, -, +) args[0]
  binary,    // args[0] name args[1]  (or, and, + - * / // % ** ~ in "not in")
  compare,   // args[0] ops[0] args[1] ops[1] args[2] ...
  ternary,   // args[1] if args[0] else args[2] (args[2] may be null)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind;
  size_t pos = 0;
  Value value;
  std::string name;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;
};

enum class StmtKind {
  text,       // text
  output,     // {{ expr }}
  if_,        // branches (cond, body); else_body
  for_,       // targets in expr [if cond]; body; else_body
  set,        // targets (or attr_target.attr) = expr
  set_block,  // {% set name %}body{% endset %}
  macro,      // name(params) body
  call_block, // {% call expr %}body  (caller)
  filter_block, // {% filter expr %}body; expr is a filter chain over a placeholder
  break_,
  continue_,
  scope,      // a plain body (e.g. {% generation %})
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct Stmt {
  StmtKind kind;
  size_t pos = 0;
  std::string text;
  ExprPtr expr;
  ExprPtr cond;
  std::vector<std::string> targets;
  std::string attr; // set ns.attr
  std::vector<std::pair<ExprPtr, Body>> branches;
  Body body, else_body;
  std::vector<std::pair<std::string, ExprPtr>> params; // macro parameters and defaults
};

} // namespace llmhost::tmpl
