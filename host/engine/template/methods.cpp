// Python methods on str, dict and list values, and the template's global functions. Like
// Hugging Face's ImmutableSandboxedEnvironment, methods that mutate a list or dict are refused.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>

#include "engine/template/interpreter.hpp"
#include "engine/template/text.hpp"

namespace llmhost::tmpl {
namespace {

std::optional<std::string> opt_string(const Value& v) {
  if (v.is_undefined() || v.is_none()) return std::nullopt;
  return v.str();
}

Value string_list(const std::vector<std::string>& parts) {
  List out;
  for (const auto& p : parts) out.emplace_back(p);
  return Value(std::move(out));
}

bool affix_match(const std::string& s, const Value& affix, bool prefix) {
  List options = affix.is_list() ? affix.as_list() : List{affix};
  for (const auto& o : options) {
    if (!o.is_string()) throw TemplateError("startswith/endswith first arg must be str or a tuple of str");
    const std::string& a = o.as_string();
    if (a.size() > s.size()) continue;
    if (prefix ? s.compare(0, a.size(), a) == 0 : s.compare(s.size() - a.size(), a.size(), a) == 0) return true;
  }
  return false;
}

// str.format with "{}", "{0}" and "{name}" fields (format specs are not supported).
std::string format_fields(const std::string& fmt, CallArgs& a) {
  std::string out;
  size_t auto_index = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') { out += '{'; ++i; continue; }
    if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') { out += '}'; ++i; continue; }
    if (c != '{') { out += c; continue; }
    size_t end = fmt.find('}', i);
    if (end == std::string::npos) throw TemplateError("Single '{' encountered in format string");
    std::string field = fmt.substr(i + 1, end - i - 1);
    if (field.find(':') != std::string::npos) field = field.substr(0, field.find(':'));
    Value v;
    if (field.empty()) v = a.get(auto_index++, "\x01");
    else if (std::isdigit(static_cast<unsigned char>(field[0]))) v = a.get(std::stoul(field), "\x01");
    else v = a.get(SIZE_MAX, field);
    if (v.is_undefined()) throw TemplateError("format field '" + field + "' has no value");
    out += v.str();
    i = end;
  }
  return out;
}

int64_t find_index(const std::string& s, const std::string& sub, bool reverse) {
  size_t hit = reverse ? s.rfind(sub) : s.find(sub);
  if (hit == std::string::npos) return -1;
  return static_cast<int64_t>(utf8_chars(s.substr(0, hit)).size());
}

Value string_method(const std::string& s, const std::string& name, CallArgs& a) {
  if (name == "strip") return Value(strip(s, opt_string(a.get(0, "chars")), true, true));
  if (name == "lstrip") return Value(strip(s, opt_string(a.get(0, "chars")), true, false));
  if (name == "rstrip") return Value(strip(s, opt_string(a.get(0, "chars")), false, true));
  if (name == "split" || name == "rsplit") {
    auto sep = opt_string(a.get(0, "sep"));
    if (sep && sep->empty()) throw TemplateError("empty separator");
    int64_t maxsplit = a.get(1, "maxsplit", Value(int64_t{-1})).as_int();
    return string_list(name == "split" ? split(s, sep, maxsplit) : rsplit(s, sep, maxsplit));
  }
  if (name == "splitlines") return string_list(split_lines(s));
  if (name == "startswith") return Value(affix_match(s, a.get(0, "prefix"), true));
  if (name == "endswith") return Value(affix_match(s, a.get(0, "suffix"), false));
  if (name == "upper") return Value(to_upper(s));
  if (name == "lower") return Value(to_lower(s));
  if (name == "capitalize") return Value(capitalize(s));
  if (name == "title") {
    std::string out;
    bool prev_letter = false;
    for (char c : s) {
      bool letter = std::isalpha(static_cast<unsigned char>(c));
      out += letter ? static_cast<char>(prev_letter ? std::tolower(static_cast<unsigned char>(c)) : std::toupper(static_cast<unsigned char>(c))) : c;
      prev_letter = letter;
    }
    return Value(std::move(out));
  }
  if (name == "replace") {
    Value count = a.get(2, "count");
    return Value(replace_all(s, a.get(0, "old").str(), a.get(1, "new").str(), count.is_int() ? count.as_int() : -1));
  }
  if (name == "find" || name == "rfind") return Value(find_index(s, a.get(0, "sub").str(), name == "rfind"));
  if (name == "index" || name == "rindex") {
    int64_t i = find_index(s, a.get(0, "sub").str(), name == "rindex");
    if (i < 0) throw TemplateError("substring not found");
    return Value(i);
  }
  if (name == "count") {
    std::string sub = a.get(0, "sub").str();
    if (sub.empty()) return Value(static_cast<int64_t>(utf8_chars(s).size() + 1));
    int64_t n = 0;
    for (size_t p = s.find(sub); p != std::string::npos; p = s.find(sub, p + sub.size())) ++n;
    return Value(n);
  }
  if (name == "format") return Value(format_fields(s, a));
  if (name == "join") {
    std::string out;
    bool first = true;
    for (const auto& item : a.get(0, "iterable").iterate()) {
      if (!item.is_string()) throw TemplateError("sequence item: expected str instance, " + item.type_name() + " found");
      if (!first) out += s;
      out += item.as_string();
      first = false;
    }
    return Value(std::move(out));
  }
  if (name == "removeprefix") {
    std::string p = a.get(0, "prefix").str();
    return Value(s.rfind(p, 0) == 0 ? s.substr(p.size()) : s);
  }
  if (name == "removesuffix") {
    std::string p = a.get(0, "suffix").str();
    return Value(!p.empty() && s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0 ? s.substr(0, s.size() - p.size()) : s);
  }
  auto all_of = [&](auto pred) {
    return Value(!s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return pred(static_cast<unsigned char>(c)); }));
  };
  if (name == "isdigit" || name == "isnumeric" || name == "isdecimal") return all_of([](unsigned char c) { return std::isdigit(c) != 0; });
  if (name == "isalpha") return all_of([](unsigned char c) { return std::isalpha(c) != 0; });
  if (name == "isalnum") return all_of([](unsigned char c) { return std::isalnum(c) != 0; });
  if (name == "isspace") return all_of([](unsigned char c) { return std::isspace(c) != 0; });
  if (name == "isupper") return Value(to_upper(s) == s && to_lower(s) != s);
  if (name == "islower") return Value(to_lower(s) == s && to_upper(s) != s);
  if (name == "partition" || name == "rpartition") {
    std::string sep = a.get(0, "sep").str();
    size_t hit = name == "partition" ? s.find(sep) : s.rfind(sep);
    if (hit == std::string::npos)
      return Value::tuple((name == "partition" ? string_list({s, "", ""}) : string_list({"", "", s})).as_list());
    return Value::tuple(string_list({s.substr(0, hit), sep, s.substr(hit + sep.size())}).as_list());
  }
  if (name == "ljust" || name == "rjust" || name == "center" || name == "zfill") {
    int64_t w = a.get(0, "width").as_int();
    if (w > 1 << 20) throw TemplateError("width too large");
    auto width = static_cast<size_t>(std::max<int64_t>(w, 0));
    size_t n = utf8_chars(s).size();
    if (n >= width) return Value(s);
    std::string fill = name == "zfill" ? "0" : a.get(1, "fillchar", Value(" ")).str();
    std::string pad;
    for (size_t i = n; i < width; ++i) pad += fill;
    if (name == "ljust") return Value(s + pad);
    if (name == "center") {
      size_t left = (width - n) / 2;
      return Value(pad.substr(0, left * fill.size()) + s + pad.substr(left * fill.size()));
    }
    return Value(pad + s);
  }
  throw TemplateError("'str' object has no attribute '" + name + "'");
}

const std::set<std::string, std::less<>> kStringMethods = {
    "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "upper",
    "lower", "capitalize", "title", "replace", "find", "rfind", "index", "rindex", "count", "format",
    "join", "removeprefix", "removesuffix", "isdigit", "isnumeric", "isdecimal", "isalpha", "isalnum",
    "isspace", "isupper", "islower", "partition", "rpartition", "ljust", "rjust", "center", "zfill"};
const std::set<std::string, std::less<>> kDictMethods = {"items", "keys", "values", "get", "copy"};
const std::set<std::string, std::less<>> kDictMutators = {"update", "pop", "popitem", "setdefault", "clear"};
const std::set<std::string, std::less<>> kListMethods = {"index", "count", "copy"};
const std::set<std::string, std::less<>> kListMutators = {"append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"};

Value dict_method(const Value& d, const std::string& name, CallArgs& a) {
  List out;
  if (name == "items")
    for (const auto& [k, v] : d.as_dict().items) out.push_back(Value::tuple(List{k, v}));
  else if (name == "keys")
    for (const auto& kv : d.as_dict().items) out.push_back(kv.first);
  else if (name == "values")
    for (const auto& kv : d.as_dict().items) out.push_back(kv.second);
  else if (name == "get") {
    const Value* v = d.as_dict().find(a.get(0, "key"));
    return v ? *v : a.get(1, "default", Value::none());
  } else if (name == "copy") {
    auto copy = make_dict();
    copy->items = d.as_dict().items;
    return Value(copy);
  }
  return Value(std::move(out));
}

Value list_method(const Value& l, const std::string& name, CallArgs& a) {
  const List& items = l.as_list();
  if (name == "copy") return Value(items);
  Value x = a.get(0, "value");
  if (name == "count") return Value(static_cast<int64_t>(std::count(items.begin(), items.end(), x)));
  auto it = std::find(items.begin(), items.end(), x);
  if (it == items.end()) throw TemplateError(x.repr() + " is not in list");
  return Value(static_cast<int64_t>(it - items.begin()));
}

Value unsafe(const Value& obj, const std::string& name) {
  return Value::undefined("access to attribute '" + name + "' of '" + obj.type_name() + "' object is unsafe.");
}

} // namespace

Value bound_method(const Value& obj, const std::string& name) {
  if (obj.is_string() && kStringMethods.count(name))
    return Value::function(name, [s = obj.as_string(), name](CallArgs& a) { return string_method(s, name, a); });
  if (obj.is_dict() && !obj.is_namespace()) {
    if (kDictMethods.count(name)) return Value::function(name, [obj, name](CallArgs& a) { return dict_method(obj, name, a); });
    if (kDictMutators.count(name)) return unsafe(obj, name);
  }
  if (obj.is_list()) {
    if (kListMethods.count(name)) return Value::function(name, [obj, name](CallArgs& a) { return list_method(obj, name, a); });
    if (kListMutators.count(name)) return unsafe(obj, name);
  }
  return Value::undefined();
}

void add_global_functions(Dict& g, int64_t now_unix) {
  g.set(Value("range"), Value::function("range", [](CallArgs& a) {
    if (a.args.empty()) throw TemplateError("range expected at least 1 argument, got 0");
    int64_t start = 0, stop, step = 1;
    if (a.args.size() == 1) stop = a.args[0].as_int();
    else {
      start = a.args[0].as_int();
      stop = a.args[1].as_int();
      if (a.args.size() > 2) step = a.args[2].as_int();
    }
    if (step == 0) throw TemplateError("range() arg 3 must not be zero");
    List out;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
      out.emplace_back(i);
      if (out.size() > 100000) throw TemplateError("range too big");
    }
    return Value(std::move(out));
  }));
  auto make_mapping = [](CallArgs& a, bool ns) {
    Value out = ns ? Value::namespace_object() : Value(make_dict());
    if (!a.args.empty() && a.args[0].is_dict())
      for (const auto& [k, v] : a.args[0].as_dict().items) out.as_dict().set(k, v);
    for (const auto& [k, v] : a.kwargs) out.as_dict().set(Value(k), v);
    return out;
  };
  g.set(Value("dict"), Value::function("dict", [make_mapping](CallArgs& a) { return make_mapping(a, false); }));
  g.set(Value("namespace"), Value::function("namespace", [make_mapping](CallArgs& a) { return make_mapping(a, true); }));
  g.set(Value("raise_exception"), Value::function("raise_exception", [](CallArgs& a) -> Value {
    throw TemplateError("template raised an exception: " + a.get(0, "message").str());
  }));
  g.set(Value("strftime_now"), Value::function("strftime_now", [now_unix](CallArgs& a) {
    std::time_t t = now_unix != 0 ? static_cast<std::time_t>(now_unix) : std::time(nullptr);
    std::tm tm{};
    if (now_unix != 0) gmtime_r(&t, &tm);
    else localtime_r(&t, &tm);
    std::string fmt = a.get(0, "format").str();
    char buf[256];
    size_t n = std::strftime(buf, sizeof buf, fmt.c_str(), &tm);
    return Value(std::string(buf, n));
  }));
}

} // namespace llmhost::tmpl
