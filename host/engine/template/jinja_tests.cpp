// Jinja2's built-in tests: `value is name(args)`.
#include <map>

#include "engine/template/interpreter.hpp"

namespace llmhost::tmpl {
namespace {

using TestFn = bool (*)(Interpreter&, const Value&, CallArgs&);

Value arg0(CallArgs& a) {
  if (a.args.empty()) throw TemplateError("test expects an argument");
  return a.args[0];
}

const std::map<std::string, TestFn, std::less<>>& tests() {
  static const std::map<std::string, TestFn, std::less<>> table = {
      {"defined", [](Interpreter&, const Value& v, CallArgs&) { return !v.is_undefined(); }},
      {"undefined", [](Interpreter&, const Value& v, CallArgs&) { return v.is_undefined(); }},
      {"none", [](Interpreter&, const Value& v, CallArgs&) { return v.is_none(); }},
      {"boolean", [](Interpreter&, const Value& v, CallArgs&) { return v.is_bool(); }},
      {"true", [](Interpreter&, const Value& v, CallArgs&) { return v.is_bool() && v.as_bool(); }},
      {"false", [](Interpreter&, const Value& v, CallArgs&) { return v.is_bool() && !v.as_bool(); }},
      {"integer", [](Interpreter&, const Value& v, CallArgs&) { return v.kind() == Value::Kind::integer; }},
      {"float", [](Interpreter&, const Value& v, CallArgs&) { return v.is_float(); }},
      {"number", [](Interpreter&, const Value& v, CallArgs&) { return v.is_number(); }},
      {"string", [](Interpreter&, const Value& v, CallArgs&) { return v.is_string(); }},
      {"mapping", [](Interpreter&, const Value& v, CallArgs&) { return v.is_dict() && !v.is_namespace(); }},
      {"iterable", [](Interpreter&, const Value& v, CallArgs&) {
         return v.is_list() || v.is_string() || (v.is_dict() && !v.is_namespace()) || v.is_undefined();
       }},
      {"sequence", [](Interpreter&, const Value& v, CallArgs&) {
         return v.is_list() || v.is_string() || (v.is_dict() && !v.is_namespace()) || v.is_undefined();
       }},
      {"callable", [](Interpreter&, const Value& v, CallArgs&) { return v.is_callable(); }},
      {"odd", [](Interpreter&, const Value& v, CallArgs&) { return v.is_int() && ((v.as_int() % 2) != 0); }},
      {"even", [](Interpreter&, const Value& v, CallArgs&) { return v.is_int() && v.as_int() % 2 == 0; }},
      {"divisibleby", [](Interpreter&, const Value& v, CallArgs& a) {
         int64_t d = arg0(a).as_int();
         return d != 0 && v.as_int() % d == 0;
       }},
      {"eq", [](Interpreter&, const Value& v, CallArgs& a) { return v == arg0(a); }},
      {"ne", [](Interpreter&, const Value& v, CallArgs& a) { return v != arg0(a); }},
      {"lt", [](Interpreter&, const Value& v, CallArgs& a) { return Value::compare(v, arg0(a)) < 0; }},
      {"le", [](Interpreter&, const Value& v, CallArgs& a) { return Value::compare(v, arg0(a)) <= 0; }},
      {"gt", [](Interpreter&, const Value& v, CallArgs& a) { return Value::compare(v, arg0(a)) > 0; }},
      {"ge", [](Interpreter&, const Value& v, CallArgs& a) { return Value::compare(v, arg0(a)) >= 0; }},
      {"in", [](Interpreter&, const Value& v, CallArgs& a) { return contains(arg0(a), v); }},
      {"sameas", [](Interpreter&, const Value& v, CallArgs& a) {
         Value o = arg0(a);
         if (v.is_list() || v.is_dict()) return v == o && v.kind() == o.kind();
         return v.kind() == o.kind() && v == o;
       }},
      {"lower", [](Interpreter&, const Value& v, CallArgs&) {
         std::string s = v.str();
         for (char c : s) if (c >= 'A' && c <= 'Z') return false;
         return true;
       }},
      {"upper", [](Interpreter&, const Value& v, CallArgs&) {
         std::string s = v.str();
         for (char c : s) if (c >= 'a' && c <= 'z') return false;
         return true;
       }},
      {"escaped", [](Interpreter&, const Value&, CallArgs&) { return false; }},
      {"filter", [](Interpreter&, const Value& v, CallArgs&) { return is_known_filter(v.str()); }},
      {"test", [](Interpreter&, const Value& v, CallArgs&) { return is_known_test(v.str()); }},
  };
  return table;
}

std::string alias(const std::string& name) {
  static const std::map<std::string, std::string, std::less<>> aliases = {
      {"==", "eq"}, {"equalto", "eq"}, {"!=", "ne"}, {"<", "lt"}, {"lessthan", "lt"}, {"<=", "le"},
      {">", "gt"}, {"greaterthan", "gt"}, {">=", "ge"}};
  auto it = aliases.find(name);
  return it == aliases.end() ? name : it->second;
}

} // namespace

bool is_known_test(const std::string& name) { return tests().count(alias(name)) != 0; }

bool apply_test(Interpreter& in, const std::string& name, const Value& subject, CallArgs& args) {
  auto it = tests().find(alias(name));
  if (it == tests().end()) throw TemplateError("no test named '" + name + "'");
  return it->second(in, subject, args);
}

} // namespace llmhost::tmpl
