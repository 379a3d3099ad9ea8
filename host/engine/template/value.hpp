// The data model of the template interpreter: Python-like values (None, bool, int, float, str,
// list, dict, callables) plus Jinja's Undefined, with Python's semantics for truthiness, str(),
// repr(), equality and ordering. Lists and dicts are shared by reference, as in Python.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmhost::tmpl {

// Raised inside the interpreter; turned into a Status at the public boundary.
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Value;
using List = std::vector<Value>;
struct Dict;
struct CallArgs;
using NativeFunction = std::function<Value(CallArgs&)>;

struct Callable {
  std::string name;
  NativeFunction fn;
};

class Value {
 public:
  enum class Kind { undefined, none, boolean, integer, floating, string, list, dict, callable };

  Value() = default; // undefined
  static Value undefined(std::string hint = {});
  static Value none();
  Value(bool b);
  Value(int v) : Value(static_cast<int64_t>(v)) {}
  Value(int64_t v);
  Value(double v);
  Value(std::string s);
  Value(std::string_view s) : Value(std::string(s)) {}
  Value(const char* s) : Value(std::string(s)) {}
  Value(List l);
  Value(std::shared_ptr<Dict> d);
  static Value function(std::string name, NativeFunction fn);
  static Value namespace_object();
  static Value from_json(const nlohmann::ordered_json& j);
  // A str marked safe (markupsafe.Markup): `+` escapes the plain str on the other side.
  static Value markup(std::string s);
  // A one-pass iterator (what jinja2's map/select/... yield): iterable, always true, but it has
  // no len(), no indexing and is not JSON serializable.
  static Value generator(List items);
  // A Python tuple: a list that prints as (a, b) and never equals a list.
  static Value tuple(List items);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::undefined; }
  bool is_none() const { return kind_ == Kind::none; }
  bool is_bool() const { return kind_ == Kind::boolean; }
  bool is_int() const { return kind_ == Kind::integer || kind_ == Kind::boolean; }
  bool is_float() const { return kind_ == Kind::floating; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return kind_ == Kind::string; }
  bool is_list() const { return kind_ == Kind::list; }
  bool is_dict() const { return kind_ == Kind::dict; }
  bool is_callable() const { return kind_ == Kind::callable; }
  bool is_namespace() const;
  bool is_markup() const { return kind_ == Kind::string && markup_; }
  bool is_generator() const { return kind_ == Kind::list && generator_; }
  bool is_tuple() const { return kind_ == Kind::list && tuple_; }

  bool as_bool() const { return b_; }
  int64_t as_int() const { return kind_ == Kind::boolean ? (b_ ? 1 : 0) : i_; }
  double as_double() const { return kind_ == Kind::floating ? f_ : static_cast<double>(as_int()); }
  const std::string& as_string() const { return s_; }
  List& as_list() const { return *list_; }
  Dict& as_dict() const { return *dict_; }
  const Callable& as_callable() const { return *fn_; }
  const std::string& undefined_hint() const { return s_; }

  bool truthy() const;
  // Python str(): what {{ value }} prints (undefined prints nothing).
  std::string str() const;
  // Python repr(): strings quoted, used inside containers.
  std::string repr() const;
  // Python type name for error messages ("str", "dict", ...).
  std::string type_name() const;
  // Elements when iterating (list items, dict keys, string characters); undefined is empty.
  List iterate() const;
  // Python len(); throws for types without a length.
  int64_t length() const;

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }
  // Python ordering; throws TemplateError for incomparable types.
  static int compare(const Value& a, const Value& b);

  // json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys) as HF's tojson.
  std::string to_json(int indent = -1, bool sort_keys = false,
                      std::string_view item_sep = {}, std::string_view key_sep = {}) const;
  nlohmann::ordered_json to_json_value() const;

 private:
  Kind kind_ = Kind::undefined;
  bool b_ = false;
  bool markup_ = false;
  bool generator_ = false;
  bool tuple_ = false;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_; // string value, or the undefined hint
  std::shared_ptr<List> list_;
  std::shared_ptr<Dict> dict_;
  std::shared_ptr<Callable> fn_;
};

// An insertion-ordered dict, as Python's. Small, so lookups are linear.
struct Dict {
  std::vector<std::pair<Value, Value>> items;
  bool is_namespace = false;

  const Value* find(const Value& key) const;
  Value* find(const Value& key);
  Value get(const Value& key) const;
  void set(Value key, Value value);
  bool erase(const Value& key);
};

std::shared_ptr<Dict> make_dict();

// Arguments of a call: positional then keyword.
struct CallArgs {
  std::vector<Value> args;
  std::vector<std::pair<std::string, Value>> kwargs;

  // The argument at position `pos` or named `name`, or `fallback` when neither was given.
  Value get(size_t pos, std::string_view name, Value fallback = Value()) const;
  bool has(size_t pos, std::string_view name) const;
};

// Python's repr() of a float ("1.0", "0.1", "1e+16").
std::string format_float(double v);

// Code point helpers for Python's str indexing, which counts characters, not bytes.
std::vector<std::string> utf8_chars(std::string_view s);

} // namespace llmhost::tmpl
