// Jinja2's built-in filters (and Hugging Face's tojson), with jinja2's handling of Undefined.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "engine/template/interpreter.hpp"
#include "engine/template/text.hpp"

namespace llmhost::tmpl {
namespace {

using FilterFn = Value (*)(Interpreter&, const Value&, CallArgs&);

// Follows a dotted attribute path ("function.name", "0") as jinja's make_attrgetter does.
Value attribute_path(Interpreter& in, const Value& item, const std::string& path) {
  Value v = item;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    v = in.get_item(v, numeric ? Value(static_cast<int64_t>(std::stoll(part))) : Value(part));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return v;
}

std::string arg_string(const CallArgs& a, size_t pos, std::string_view name, std::string fallback) {
  Value v = a.get(pos, name);
  return v.is_undefined() || v.is_none() ? fallback : v.str();
}

std::string ensure_ascii_escape(const std::string& s) {
  std::string out;
  for (const auto& ch : utf8_chars(s)) {
    if (ch.size() == 1) { out += ch; continue; }
    uint32_t cp = static_cast<unsigned char>(ch[0]) & (ch.size() == 2 ? 0x1F : ch.size() == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < ch.size(); ++i) cp = (cp << 6) | (static_cast<unsigned char>(ch[i]) & 0x3F);
    char b[16];
    if (cp >= 0x10000) {
      cp -= 0x10000;
      std::snprintf(b, sizeof b, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
      std::snprintf(b, sizeof b, "\\u%04x", cp);
    }
    out += b;
  }
  return out;
}

Value f_tojson(Interpreter&, const Value& v, CallArgs& a) {
  if (v.is_undefined()) throw TemplateError("Object of type Undefined is not JSON serializable");
  Value indent = a.get(1, "indent");
  int width = indent.is_int() ? static_cast<int>(indent.as_int()) : -1;
  std::string item_sep, key_sep;
  Value seps = a.get(2, "separators");
  if (seps.is_list() && seps.as_list().size() == 2) {
    item_sep = seps.as_list()[0].str();
    key_sep = seps.as_list()[1].str();
  }
  std::string out = v.to_json(width, a.get(3, "sort_keys").truthy(), item_sep, key_sep);
  if (a.get(0, "ensure_ascii").truthy()) out = ensure_ascii_escape(out);
  return Value(std::move(out));
}

Value f_length(Interpreter&, const Value& v, CallArgs&) { return Value(v.length()); }
Value f_string(Interpreter&, const Value& v, CallArgs&) { return Value(v.str()); }
Value f_safe(Interpreter&, const Value& v, CallArgs&) { return Value::markup(v.str()); }
Value f_lower(Interpreter&, const Value& v, CallArgs&) { return Value(to_lower(v.str())); }
Value f_upper(Interpreter&, const Value& v, CallArgs&) { return Value(to_upper(v.str())); }
Value f_capitalize(Interpreter&, const Value& v, CallArgs&) { return Value(capitalize(v.str())); }

Value f_title(Interpreter&, const Value& v, CallArgs&) {
  // jinja capitalizes each word, words starting after whitespace, '-', '(', '{', '[' or '<'.
  std::string s = v.str(), out;
  bool start = true;
  for (char c : s) {
    bool sep = std::isspace(static_cast<unsigned char>(c)) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    start = sep;
  }
  return Value(std::move(out));
}

Value f_trim(Interpreter&, const Value& v, CallArgs& a) {
  Value chars = a.get(0, "chars");
  return Value(strip(v.str(), chars.is_string() ? std::optional<std::string>(chars.as_string()) : std::nullopt, true, true));
}

Value f_replace(Interpreter&, const Value& v, CallArgs& a) {
  Value count = a.get(2, "count");
  return Value(replace_all(v.str(), a.get(0, "old").str(), a.get(1, "new").str(), count.is_int() ? count.as_int() : -1));
}

Value f_join(Interpreter& in, const Value& v, CallArgs& a) {
  std::string sep = arg_string(a, 0, "d", "");
  Value attr = a.get(1, "attribute");
  std::string out;
  bool first = true;
  for (const auto& item : v.iterate()) {
    if (!first) out += sep;
    first = false;
    out += (attr.is_undefined() || attr.is_none() ? item : attribute_path(in, item, attr.str())).str();
  }
  return Value(std::move(out));
}

Value f_first(Interpreter&, const Value& v, CallArgs&) {
  List items = v.iterate();
  return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
}

Value f_last(Interpreter&, const Value& v, CallArgs&) {
  List items = v.iterate();
  return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
}

Value f_list(Interpreter&, const Value& v, CallArgs&) { return Value(v.iterate()); }

Value f_reverse(Interpreter&, const Value& v, CallArgs&) {
  if (v.is_string()) {
    auto chars = utf8_chars(v.as_string());
    std::string out;
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) out += *it;
    return Value(std::move(out));
  }
  List items = v.iterate();
  std::reverse(items.begin(), items.end());
  return v.is_list() && !v.is_generator() ? Value::generator(std::move(items)) : Value(std::move(items));
}

Value f_default(Interpreter&, const Value& v, CallArgs& a) {
  bool boolean = a.get(1, "boolean").truthy();
  if (v.is_undefined() || (boolean && !v.truthy())) return a.get(0, "default_value", Value(""));
  return v;
}

Value f_items(Interpreter&, const Value& v, CallArgs&) {
  if (v.is_undefined()) return Value(List{});
  if (!v.is_dict()) throw TemplateError("Can only get item pairs from a mapping.");
  List out;
  for (const auto& [k, val] : v.as_dict().items) out.push_back(Value::tuple(List{k, val}));
  return Value::generator(std::move(out));
}

Value sort_key(const Value& v, bool case_sensitive) {
  return (!case_sensitive && v.is_string()) ? Value(to_lower(v.as_string())) : v;
}

Value f_dictsort(Interpreter&, const Value& v, CallArgs& a) {
  if (!v.is_dict()) throw TemplateError("dictsort expects a mapping");
  bool cs = a.get(0, "case_sensitive").truthy();
  bool by_value = a.get(1, "by", Value("key")).str() == "value";
  bool reverse = a.get(2, "reverse").truthy();
  List out;
  for (const auto& [k, val] : v.as_dict().items) out.push_back(Value::tuple(List{k, val}));
  std::stable_sort(out.begin(), out.end(), [&](const Value& x, const Value& y) {
    size_t i = by_value ? 1 : 0;
    int c = Value::compare(sort_key(x.as_list()[i], cs), sort_key(y.as_list()[i], cs));
    return reverse ? c > 0 : c < 0;
  });
  return Value(std::move(out));
}

Value f_sort(Interpreter& in, const Value& v, CallArgs& a) {
  bool reverse = a.get(0, "reverse").truthy();
  bool cs = a.get(1, "case_sensitive").truthy();
  Value attr = a.get(2, "attribute");
  List items = v.iterate();
  auto key = [&](const Value& x) {
    return sort_key(attr.is_undefined() || attr.is_none() ? x : attribute_path(in, x, attr.str()), cs);
  };
  std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
    int c = Value::compare(key(x), key(y));
    return reverse ? c > 0 : c < 0;
  });
  return Value(std::move(items));
}

Value f_unique(Interpreter& in, const Value& v, CallArgs& a) {
  bool cs = a.get(0, "case_sensitive").truthy();
  Value attr = a.get(1, "attribute");
  List seen, out;
  for (const auto& item : v.iterate()) {
    Value k = sort_key(attr.is_undefined() || attr.is_none() ? item : attribute_path(in, item, attr.str()), cs);
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) continue;
    seen.push_back(k);
    out.push_back(item);
  }
  return Value::generator(std::move(out));
}

Value f_map(Interpreter& in, const Value& v, CallArgs& a) {
  List out;
  if (!v.truthy()) return Value::generator({});
  Value attr = a.get(SIZE_MAX, "attribute");
  if (!attr.is_undefined()) {
    Value fallback = a.get(SIZE_MAX, "default");
    for (const auto& item : v.iterate()) {
      Value x = attribute_path(in, item, attr.str());
      out.push_back(x.is_undefined() && !fallback.is_undefined() ? fallback : x);
    }
    return Value::generator(std::move(out));
  }
  if (a.args.empty()) throw TemplateError("map requires a filter argument");
  std::string filter = a.args[0].str();
  CallArgs rest{List(a.args.begin() + 1, a.args.end()), a.kwargs};
  for (const auto& item : v.iterate()) {
    CallArgs copy = rest;
    out.push_back(apply_filter(in, filter, item, copy));
  }
  return Value::generator(std::move(out));
}

Value select_impl(Interpreter& in, const Value& v, CallArgs& a, bool want, bool by_attr) {
  size_t first = by_attr ? 1 : 0;
  std::string attr = by_attr ? a.get(0, "attr").str() : "";
  List out;
  if (!v.truthy()) return Value::generator({});
  for (const auto& item : v.iterate()) {
    Value subject = by_attr ? attribute_path(in, item, attr) : item;
    bool ok;
    if (a.args.size() <= first) {
      ok = subject.truthy();
    } else {
      CallArgs targs{List(a.args.begin() + static_cast<long>(first) + 1, a.args.end()), {}};
      ok = apply_test(in, a.args[first].str(), subject, targs);
    }
    if (ok == want) out.push_back(item);
  }
  return Value::generator(std::move(out));
}

Value f_select(Interpreter& in, const Value& v, CallArgs& a) { return select_impl(in, v, a, true, false); }
Value f_reject(Interpreter& in, const Value& v, CallArgs& a) { return select_impl(in, v, a, false, false); }
Value f_selectattr(Interpreter& in, const Value& v, CallArgs& a) { return select_impl(in, v, a, true, true); }
Value f_rejectattr(Interpreter& in, const Value& v, CallArgs& a) { return select_impl(in, v, a, false, true); }

Value f_int(Interpreter&, const Value& v, CallArgs& a) {
  Value fallback = a.get(0, "default", Value(int64_t{0}));
  if (v.is_int()) return Value(v.as_int());
  if (v.is_float()) return Value(static_cast<int64_t>(v.as_double()));
  if (v.is_string()) {
    std::string s = strip(v.as_string(), std::nullopt, true, true);
    try {
      size_t used = 0;
      int64_t i = std::stoll(s, &used, static_cast<int>(a.get(1, "base", Value(int64_t{10})).as_int()));
      if (used == s.size()) return Value(i);
      double d = std::stod(s, &used);
      if (used == s.size()) return Value(static_cast<int64_t>(d));
    } catch (const std::exception&) {
    }
  }
  return fallback;
}

Value f_float(Interpreter&, const Value& v, CallArgs& a) {
  Value fallback = a.get(0, "default", Value(0.0));
  if (v.is_number()) return Value(v.as_double());
  if (v.is_string()) {
    try {
      size_t used = 0;
      std::string s = strip(v.as_string(), std::nullopt, true, true);
      double d = std::stod(s, &used);
      if (used == s.size()) return Value(d);
    } catch (const std::exception&) {
    }
  }
  return fallback;
}

Value f_abs(Interpreter&, const Value& v, CallArgs&) {
  if (v.is_float()) return Value(std::fabs(v.as_double()));
  if (v.is_int()) return Value(v.as_int() < 0 ? -v.as_int() : v.as_int());
  throw TemplateError("bad operand type for abs(): '" + v.type_name() + "'");
}

Value f_round(Interpreter&, const Value& v, CallArgs& a) {
  double p = std::pow(10.0, static_cast<double>(a.get(0, "precision", Value(int64_t{0})).as_int()));
  std::string method = a.get(1, "method", Value("common")).str();
  double x = v.as_double() * p;
  double r = method == "ceil" ? std::ceil(x) : method == "floor" ? std::floor(x) : std::nearbyint(x);
  return Value(r / p);
}

Value f_escape(Interpreter&, const Value& v, CallArgs&) { return html_escape(v); }

Value f_forceescape(Interpreter&, const Value& v, CallArgs&) { return html_escape(Value(v.str())); }

} // namespace

Value html_escape(const Value& v) {
  if (v.is_markup()) return v;
  std::string out;
  for (char c : v.str()) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return Value::markup(std::move(out));
}

namespace {

Value f_indent(Interpreter&, const Value& v, CallArgs& a) {
  Value w = a.get(0, "width", Value(int64_t{4}));
  if (!w.is_string() && (w.as_int() < 0 || w.as_int() > 1024)) throw TemplateError("indent width out of range");
  std::string pad = w.is_string() ? w.as_string() : std::string(static_cast<size_t>(w.as_int()), ' ');
  bool first = a.get(1, "first").truthy(), blank = a.get(2, "blank").truthy();
  std::vector<std::string> lines = split_lines(v.str() + "\n");
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += "\n";
    bool indent = (i > 0 || first) && (blank || !lines[i].empty());
    out += (indent ? pad : "") + lines[i];
  }
  return Value(std::move(out));
}

Value f_wordcount(Interpreter&, const Value& v, CallArgs&) {
  int64_t n = 0;
  bool in_word = false;
  for (char c : v.str()) {
    bool w = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80);
    if (w && !in_word) ++n;
    in_word = w;
  }
  return Value(n);
}

Value f_batch(Interpreter&, const Value& v, CallArgs& a) {
  int64_t size = a.get(0, "linecount").as_int();
  if (size <= 0) throw TemplateError("batch size must be positive");
  Value fill = a.get(1, "fill_with");
  List out, cur;
  for (const auto& item : v.iterate()) {
    cur.push_back(item);
    if (static_cast<int64_t>(cur.size()) == size) { out.push_back(Value(cur)); cur.clear(); }
  }
  if (!cur.empty()) {
    if (!fill.is_undefined() && !fill.is_none())
      while (static_cast<int64_t>(cur.size()) < size) cur.push_back(fill);
    out.push_back(Value(cur));
  }
  return Value::generator(std::move(out));
}

Value f_sum(Interpreter& in, const Value& v, CallArgs& a) {
  Value attr = a.get(0, "attribute");
  Value total = a.get(1, "start", Value(int64_t{0}));
  for (const auto& item : v.iterate())
    total = binary_op("+", total, attr.is_undefined() || attr.is_none() ? item : attribute_path(in, item, attr.str()));
  return total;
}

Value min_max(const Value& v, CallArgs& a, bool want_max) {
  bool cs = a.get(0, "case_sensitive").truthy();
  List items = v.iterate();
  if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
  Value best = items[0];
  for (const auto& item : items) {
    int c = Value::compare(sort_key(item, cs), sort_key(best, cs));
    if (want_max ? c > 0 : c < 0) best = item;
  }
  return best;
}
Value f_min(Interpreter&, const Value& v, CallArgs& a) { return min_max(v, a, false); }
Value f_max(Interpreter&, const Value& v, CallArgs& a) { return min_max(v, a, true); }

Value f_attr(Interpreter& in, const Value& v, CallArgs& a) { return in.get_attr(v, a.get(0, "name").str()); }

Value f_format(Interpreter&, const Value& v, CallArgs& a) {
  return binary_op("%", Value(v.str()), Value(a.args));
}

Value f_center(Interpreter&, const Value& v, CallArgs& a) {
  std::string s = v.str();
  int64_t w = a.get(0, "width", Value(int64_t{80})).as_int();
  if (w > 1 << 20) throw TemplateError("center width too large");
  auto width = static_cast<size_t>(std::max<int64_t>(w, 0));
  size_t n = utf8_chars(s).size();
  if (n >= width) return Value(s);
  size_t total = width - n, left = total / 2 + (total & width & 1);
  return Value(std::string(left, ' ') + s + std::string(total - left, ' '));
}

const std::map<std::string, FilterFn, std::less<>>& filters() {
  static const std::map<std::string, FilterFn, std::less<>> table = {
      {"tojson", f_tojson},   {"length", f_length},       {"count", f_length},   {"string", f_string},
      {"safe", f_safe},       {"lower", f_lower},         {"upper", f_upper},    {"capitalize", f_capitalize},
      {"title", f_title},     {"trim", f_trim},           {"replace", f_replace}, {"join", f_join},
      {"first", f_first},     {"last", f_last},           {"list", f_list},      {"reverse", f_reverse},
      {"default", f_default}, {"d", f_default},           {"items", f_items},    {"dictsort", f_dictsort},
      {"sort", f_sort},       {"unique", f_unique},       {"map", f_map},        {"select", f_select},
      {"reject", f_reject},   {"selectattr", f_selectattr}, {"rejectattr", f_rejectattr},
      {"int", f_int},         {"float", f_float},         {"abs", f_abs},        {"round", f_round},
      {"escape", f_escape},   {"e", f_escape},            {"forceescape", f_forceescape}, {"indent", f_indent},
      {"wordcount", f_wordcount}, {"batch", f_batch},     {"sum", f_sum},        {"min", f_min},
      {"max", f_max},         {"attr", f_attr},           {"format", f_format},  {"center", f_center},
  };
  return table;
}

} // namespace

bool is_known_filter(const std::string& name) { return filters().count(name) != 0; }

Value apply_filter(Interpreter& in, const std::string& name, const Value& subject, CallArgs& args) {
  auto it = filters().find(name);
  if (it == filters().end()) throw TemplateError("no filter named '" + name + "'");
  return it->second(in, subject, args);
}

} // namespace llmhost::tmpl
