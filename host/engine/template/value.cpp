#include "engine/template/value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace llmhost::tmpl {

Value Value::undefined(std::string hint) {
  Value v;
  v.s_ = std::move(hint);
  return v;
}

Value Value::none() {
  Value v;
  v.kind_ = Kind::none;
  return v;
}

Value::Value(bool b) : kind_(Kind::boolean), b_(b) {}
Value::Value(int64_t v) : kind_(Kind::integer), i_(v) {}
Value::Value(double v) : kind_(Kind::floating), f_(v) {}
Value::Value(std::string s) : kind_(Kind::string), s_(std::move(s)) {}
Value::Value(List l) : kind_(Kind::list), list_(std::make_shared<List>(std::move(l))) {}
Value::Value(std::shared_ptr<Dict> d) : kind_(Kind::dict), dict_(std::move(d)) {}

Value Value::function(std::string name, NativeFunction fn) {
  Value v;
  v.kind_ = Kind::callable;
  v.fn_ = std::make_shared<Callable>(Callable{std::move(name), std::move(fn)});
  return v;
}

Value Value::namespace_object() {
  auto d = make_dict();
  d->is_namespace = true;
  return Value(std::move(d));
}

Value Value::markup(std::string s) {
  Value v(std::move(s));
  v.markup_ = true;
  return v;
}

Value Value::generator(List items) {
  Value v(std::move(items));
  v.generator_ = true;
  return v;
}

Value Value::tuple(List items) {
  Value v(std::move(items));
  v.tuple_ = true;
  return v;
}

bool Value::is_namespace() const { return kind_ == Kind::dict && dict_->is_namespace; }

Value Value::from_json(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: return none();
    case nlohmann::ordered_json::value_t::boolean: return Value(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return Value(j.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
      return Value(static_cast<int64_t>(j.get<uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float: return Value(j.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      List l;
      for (const auto& e : j) l.push_back(from_json(e));
      return Value(std::move(l));
    }
    case nlohmann::ordered_json::value_t::object: {
      auto d = make_dict();
      for (const auto& [k, v] : j.items()) d->items.emplace_back(Value(k), from_json(v));
      return Value(std::move(d));
    }
    default: return undefined();
  }
}

bool Value::truthy() const {
  switch (kind_) {
    case Kind::undefined:
    case Kind::none: return false;
    case Kind::boolean: return b_;
    case Kind::integer: return i_ != 0;
    case Kind::floating: return f_ != 0.0;
    case Kind::string: return !s_.empty();
    case Kind::list: return generator_ || !list_->empty();
    case Kind::dict: return dict_->is_namespace || !dict_->items.empty();
    case Kind::callable: return true;
  }
  return false;
}

std::string format_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  // sci = [-]d[.ddd]e[+-]XX : split into digits and decimal exponent.
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  auto e = sci.find('e');
  int exponent = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits += c;
  std::string out = negative ? "-" : "";
  if (exponent >= -5 + 1 && exponent < 16) {
    if (exponent >= 0) {
      std::string ip = digits.substr(0, std::min<size_t>(digits.size(), exponent + 1));
      while (ip.size() < static_cast<size_t>(exponent + 1)) ip += '0';
      std::string fp = digits.size() > static_cast<size_t>(exponent + 1) ? digits.substr(exponent + 1) : "0";
      out += ip + "." + fp;
    } else {
      out += "0." + std::string(-exponent - 1, '0') + digits;
    }
  } else {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += eb;
  }
  return out;
}

static std::string repr_string(const std::string& s) {
  bool has_single = s.find('\'') != std::string::npos;
  bool has_double = s.find('"') != std::string::npos;
  char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c == static_cast<unsigned char>(quote)) {
          out += '\\';
          out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
          char b[8];
          std::snprintf(b, sizeof b, "\\x%02x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += quote;
  return out;
}

std::string Value::str() const {
  switch (kind_) {
    case Kind::undefined: return "";
    case Kind::string: return s_;
    default: return repr();
  }
}

std::string Value::repr() const {
  switch (kind_) {
    case Kind::undefined: return "";
    case Kind::none: return "None";
    case Kind::boolean: return b_ ? "True" : "False";
    case Kind::integer: return std::to_string(i_);
    case Kind::floating: return format_float(f_);
    case Kind::string: return repr_string(s_);
    case Kind::list: {
      if (generator_) return "<generator object>";
      std::string out = tuple_ ? "(" : "[";
      for (size_t i = 0; i < list_->size(); ++i) out += (i ? ", " : "") + (*list_)[i].repr();
      if (tuple_) return out + (list_->size() == 1 ? ",)" : ")");
      return out + "]";
    }
    case Kind::dict: {
      if (dict_->is_namespace) return "<Namespace>";
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : dict_->items) {
        out += (first ? "" : ", ") + k.repr() + ": " + v.repr();
        first = false;
      }
      return out + "}";
    }
    case Kind::callable: return "<function " + fn_->name + ">";
  }
  return "";
}

std::string Value::type_name() const {
  switch (kind_) {
    case Kind::undefined: return "Undefined";
    case Kind::none: return "NoneType";
    case Kind::boolean: return "bool";
    case Kind::integer: return "int";
    case Kind::floating: return "float";
    case Kind::string: return "str";
    case Kind::list: return generator_ ? "generator" : tuple_ ? "tuple" : "list";
    case Kind::dict: return dict_->is_namespace ? "Namespace" : "dict";
    case Kind::callable: return "function";
  }
  return "object";
}

std::vector<std::string> utf8_chars(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    n = std::min(n, s.size() - i);
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

List Value::iterate() const {
  switch (kind_) {
    case Kind::undefined: return {};
    case Kind::list: return *list_;
    case Kind::dict: {
      List keys;
      for (const auto& kv : dict_->items) keys.push_back(kv.first);
      return keys;
    }
    case Kind::string: {
      List chars;
      for (auto& c : utf8_chars(s_)) chars.emplace_back(std::move(c));
      return chars;
    }
    default: throw TemplateError("'" + type_name() + "' object is not iterable");
  }
}

int64_t Value::length() const {
  switch (kind_) {
    case Kind::undefined: return 0;
    case Kind::string: return static_cast<int64_t>(utf8_chars(s_).size());
    case Kind::list:
      if (generator_) throw TemplateError("object of type 'generator' has no len()");
      return static_cast<int64_t>(list_->size());
    case Kind::dict: return static_cast<int64_t>(dict_->items.size());
    default: throw TemplateError("object of type '" + type_name() + "' has no len()");
  }
}

bool Value::operator==(const Value& o) const {
  if (is_number() && o.is_number()) {
    if (is_float() || o.is_float()) return as_double() == o.as_double();
    return as_int() == o.as_int();
  }
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::undefined:
    case Kind::none: return true;
    case Kind::string: return s_ == o.s_;
    case Kind::list:
      if (list_ == o.list_) return true;
      return !generator_ && !o.generator_ && tuple_ == o.tuple_ && *list_ == *o.list_;
    case Kind::dict: {
      if (dict_ == o.dict_) return true;
      if (dict_->is_namespace || o.dict_->is_namespace) return false;
      if (dict_->items.size() != o.dict_->items.size()) return false;
      for (const auto& [k, v] : dict_->items) {
        const Value* other = o.dict_->find(k);
        if (!other || !(*other == v)) return false;
      }
      return true;
    }
    case Kind::callable: return fn_ == o.fn_;
    default: return false;
  }
}

int Value::compare(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) {
      double x = a.as_double(), y = b.as_double();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    int64_t x = a.as_int(), y = b.as_int();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) return a.s_ < b.s_ ? -1 : a.s_ > b.s_ ? 1 : 0;
  if (a.is_list() && b.is_list()) {
    const List &x = *a.list_, &y = *b.list_;
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
      if (int c = compare(x[i], y[i])) return c;
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  throw TemplateError("'<' not supported between instances of '" + a.type_name() + "' and '" +
                      b.type_name() + "'");
}

static void json_escape(const std::string& s, std::string& out) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

namespace {
struct JsonWriter {
  int indent;
  bool sort_keys;
  std::string item_sep, key_sep;
  std::string out;

  void newline(int depth) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<size_t>(indent * depth), ' ');
  }

  void write(const Value& v, int depth) {
    switch (v.kind()) {
      case Value::Kind::none: out += "null"; return;
      case Value::Kind::boolean: out += v.as_bool() ? "true" : "false"; return;
      case Value::Kind::integer: out += std::to_string(v.as_int()); return;
      case Value::Kind::floating: {
        double d = v.as_double();
        if (std::isnan(d)) out += "NaN";
        else if (std::isinf(d)) out += d > 0 ? "Infinity" : "-Infinity";
        else out += format_float(d);
        return;
      }
      case Value::Kind::string: json_escape(v.as_string(), out); return;
      case Value::Kind::list: {
        if (v.is_generator()) throw TemplateError("Object of type generator is not JSON serializable");
        const List& l = v.as_list();
        if (l.empty()) { out += "[]"; return; }
        out += '[';
        for (size_t i = 0; i < l.size(); ++i) {
          if (i) out += item_sep;
          newline(depth + 1);
          write(l[i], depth + 1);
        }
        newline(depth);
        out += ']';
        return;
      }
      case Value::Kind::dict: {
        if (v.is_namespace()) throw TemplateError("Object of type Namespace is not JSON serializable");
        std::vector<const std::pair<Value, Value>*> items;
        for (const auto& kv : v.as_dict().items) items.push_back(&kv);
        if (items.empty()) { out += "{}"; return; }
        if (sort_keys)
          std::stable_sort(items.begin(), items.end(), [](auto* a, auto* b) {
            return Value::compare(a->first, b->first) < 0;
          });
        out += '{';
        bool first = true;
        for (const auto* kv : items) {
          if (!first) out += item_sep;
          first = false;
          newline(depth + 1);
          const Value& key = kv->first;
          if (key.is_string()) json_escape(key.as_string(), out);
          else if (key.is_none()) out += "\"null\"";
          else if (key.is_bool()) out += key.as_bool() ? "\"true\"" : "\"false\"";
          else if (key.is_number()) { out += '"'; write(key, depth); out += '"'; }
          else throw TemplateError("keys must be str, int, float, bool or None, not " + key.type_name());
          out += key_sep;
          write(kv->second, depth + 1);
        }
        newline(depth);
        out += '}';
        return;
      }
      default:
        throw TemplateError("Object of type " + v.type_name() + " is not JSON serializable");
    }
  }
};
} // namespace

std::string Value::to_json(int indent, bool sort_keys, std::string_view item_sep,
                           std::string_view key_sep) const {
  JsonWriter w{indent, sort_keys,
               item_sep.empty() ? std::string(indent >= 0 ? "," : ", ") : std::string(item_sep),
               key_sep.empty() ? std::string(": ") : std::string(key_sep), {}};
  w.write(*this, 0);
  return std::move(w.out);
}

nlohmann::ordered_json Value::to_json_value() const {
  switch (kind_) {
    case Kind::boolean: return b_;
    case Kind::integer: return i_;
    case Kind::floating: return f_;
    case Kind::string: return s_;
    case Kind::list: {
      auto arr = nlohmann::ordered_json::array();
      for (const auto& e : *list_) arr.push_back(e.to_json_value());
      return arr;
    }
    case Kind::dict: {
      auto obj = nlohmann::ordered_json::object();
      for (const auto& [k, v] : dict_->items) obj[k.str()] = v.to_json_value();
      return obj;
    }
    default: return nullptr;
  }
}

const Value* Dict::find(const Value& key) const {
  for (const auto& kv : items)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

Value* Dict::find(const Value& key) {
  for (auto& kv : items)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

Value Dict::get(const Value& key) const {
  const Value* v = find(key);
  return v ? *v : Value::undefined();
}

void Dict::set(Value key, Value value) {
  if (Value* v = find(key)) *v = std::move(value);
  else items.emplace_back(std::move(key), std::move(value));
}

bool Dict::erase(const Value& key) {
  auto it = std::find_if(items.begin(), items.end(), [&](const auto& kv) { return kv.first == key; });
  if (it == items.end()) return false;
  items.erase(it);
  return true;
}

std::shared_ptr<Dict> make_dict() { return std::make_shared<Dict>(); }

Value CallArgs::get(size_t pos, std::string_view name, Value fallback) const {
  for (const auto& [k, v] : kwargs)
    if (k == name) return v;
  if (pos < args.size()) return args[pos];
  return fallback;
}

bool CallArgs::has(size_t pos, std::string_view name) const {
  if (pos < args.size()) return true;
  for (const auto& kv : kwargs)
    if (kv.first == name) return true;
  return false;
}

} // namespace llmhost::tmpl
