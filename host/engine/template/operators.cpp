// Python's arithmetic, concatenation and membership operators on template values.
#include <climits>
#include <cmath>
#include <cstdint>

#include "engine/template/interpreter.hpp"

namespace llmhost::tmpl {
namespace {

[[noreturn]] void unsupported(const std::string& op, const Value& a, const Value& b) {
  if (a.is_undefined() && !a.undefined_hint().empty()) throw TemplateError(a.undefined_hint());
  if (b.is_undefined() && !b.undefined_hint().empty()) throw TemplateError(b.undefined_hint());
  throw TemplateError("unsupported operand type(s) for " + op + ": '" + a.type_name() + "' and '" +
                      b.type_name() + "'");
}

Value repeat(const Value& seq, int64_t times) {
  size_t unit = seq.is_string() ? seq.as_string().size() : seq.as_list().size();
  if (times > 0 && unit > 0 && static_cast<uint64_t>(times) > (kMaxOutputBytes / unit))
    throw TemplateError("repetition result too large");
  if (seq.is_string()) {
    std::string out;
    for (int64_t i = 0; i < times; ++i) out += seq.as_string();
    return Value(std::move(out));
  }
  List out;
  for (int64_t i = 0; i < times; ++i)
    for (const auto& v : seq.as_list()) out.push_back(v);
  return Value(std::move(out));
}

// printf-style "%s" / "%d" / "%r" formatting, as Python's str % args.
Value percent_format(const std::string& fmt, const Value& args) {
  List values = args.is_list() ? args.as_list() : List{args};
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%' || i + 1 >= fmt.size()) { out += fmt[i]; continue; }
    char c = fmt[++i];
    if (c == '%') { out += '%'; continue; }
    if (next >= values.size()) throw TemplateError("not enough arguments for format string");
    const Value& v = values[next++];
    if (c == 's') out += v.str();
    else if (c == 'r') out += v.repr();
    else if (c == 'd' || c == 'i') out += std::to_string(v.is_float() ? static_cast<int64_t>(v.as_double()) : v.as_int());
    else if (c == 'f') { char b[64]; std::snprintf(b, sizeof b, "%f", v.as_double()); out += b; }
    else throw TemplateError(std::string("unsupported format character '") + c + "'");
  }
  return Value(std::move(out));
}

} // namespace

Value binary_op(const std::string& op, const Value& a, const Value& b) {
  if (op == "~") return Value(a.str() + b.str());
  bool nums = a.is_number() && b.is_number();
  bool floats = nums && (a.is_float() || b.is_float());
  if (op == "+") {
    if (nums) {
      int64_t r;
      if (!floats && !__builtin_add_overflow(a.as_int(), b.as_int(), &r)) return Value(r);
      return Value(a.as_double() + b.as_double());
    }
    if (a.is_string() && b.is_string()) {
      // markupsafe: Markup + str escapes the str, and the result stays Markup.
      if (a.is_markup() != b.is_markup()) {
        return Value::markup(html_escape(a).as_string() + html_escape(b).as_string());
      }
      return a.is_markup() ? Value::markup(a.as_string() + b.as_string()) : Value(a.as_string() + b.as_string());
    }
    if (a.is_list() && b.is_list() && !a.is_generator() && !b.is_generator()) {
      List out = a.as_list();
      out.insert(out.end(), b.as_list().begin(), b.as_list().end());
      return Value(std::move(out));
    }
    if (a.is_string() && !b.is_undefined()) throw TemplateError("can only concatenate str (not \"" + b.type_name() + "\") to str");
    unsupported(op, a, b);
  }
  if (op == "-") {
    if (nums) {
      int64_t r;
      if (!floats && !__builtin_sub_overflow(a.as_int(), b.as_int(), &r)) return Value(r);
      return Value(a.as_double() - b.as_double());
    }
    unsupported(op, a, b);
  }
  if (op == "*") {
    if (nums) {
      int64_t r;
      if (!floats && !__builtin_mul_overflow(a.as_int(), b.as_int(), &r)) return Value(r);
      return Value(a.as_double() * b.as_double());
    }
    if ((a.is_string() || a.is_list()) && b.is_int()) return repeat(a, b.as_int());
    if ((b.is_string() || b.is_list()) && a.is_int()) return repeat(b, a.as_int());
    unsupported(op, a, b);
  }
  if (op == "/") {
    if (!nums) unsupported(op, a, b);
    if (b.as_double() == 0) throw TemplateError("division by zero");
    return Value(a.as_double() / b.as_double());
  }
  if (op == "//" || op == "%") {
    if (op == "%" && a.is_string()) return percent_format(a.as_string(), b);
    if (!nums) unsupported(op, a, b);
    if (b.as_double() == 0) throw TemplateError(op == "%" ? "modulo by zero" : "integer division or modulo by zero");
    if (floats) {
      double x = a.as_double(), y = b.as_double();
      double q = std::floor(x / y);
      return op == "//" ? Value(q) : Value(x - q * y);
    }
    int64_t x = a.as_int(), y = b.as_int();
    if (x == INT64_MIN && y == -1) throw TemplateError("integer overflow");
    int64_t q = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
    return op == "//" ? Value(q) : Value(x - q * y);
  }
  if (op == "**") {
    if (!nums) unsupported(op, a, b);
    if (!floats && b.as_int() >= 0) {
      int64_t r = 1;
      bool overflow = false;
      for (int64_t i = 0; i < b.as_int() && !overflow && r != 0; ++i) {
        overflow = __builtin_mul_overflow(r, a.as_int(), &r);
        if (r == 1 && a.as_int() == 1) break;
        if (a.as_int() == -1) { r = (b.as_int() % 2) ? -1 : 1; break; }
      }
      if (!overflow) return Value(r);
    }
    return Value(std::pow(a.as_double(), b.as_double()));
  }
  throw TemplateError("unknown operator " + op);
}

bool contains(const Value& container, const Value& item) {
  if (container.is_string()) {
    if (!item.is_string())
      throw TemplateError("'in <string>' requires string as left operand, not " + item.type_name());
    return container.as_string().find(item.as_string()) != std::string::npos;
  }
  if (container.is_list()) {
    for (const auto& v : container.as_list())
      if (v == item) return true;
    return false;
  }
  if (container.is_dict()) return container.as_dict().find(item) != nullptr;
  if (container.is_undefined()) return false;
  throw TemplateError("argument of type '" + container.type_name() + "' is not iterable");
}

} // namespace llmhost::tmpl
