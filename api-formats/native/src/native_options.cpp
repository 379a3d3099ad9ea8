// Ollama's `options` object, `keep_alive`, `format` and `think`.
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "native_fields.hpp"
#include "native_requests.hpp"

namespace llmhost::native {

namespace {

[[noreturn]] void option_error(const std::string& key, std::string_view type) {
  fail("options." + key, "option \"" + key + "\" must be of type " + std::string(type));
}

// Ollama converts JSON numbers into integer options by truncation; we do the same.
int as_int(const json& v, const std::string& key) {
  if (!v.is_number()) option_error(key, "integer");
  const double d = v.get<double>();
  if (d < std::numeric_limits<int>::min() || d > std::numeric_limits<int>::max()) option_error(key, "integer");
  return static_cast<int>(d);
}

float as_float(const json& v, const std::string& key, double min = -1e30, double max = 1e30) {
  if (!v.is_number()) option_error(key, "float");
  const double d = v.get<double>();
  if (d < min || d > max)
    fail("options." + key, "option \"" + key + "\" is out of range");
  return static_cast<float>(d);
}

// Options Ollama knows that this engine does not use: type-checked, then reported as unknown.
const std::set<std::string>& ignored_bool_options() {
  static const std::set<std::string> k{"penalize_newline", "numa", "low_vram", "f16_kv", "vocab_only", "use_mmap", "use_mlock"};
  return k;
}
const std::set<std::string>& ignored_number_options() {
  static const std::set<std::string> k{"mirostat", "mirostat_tau", "mirostat_eta", "tfs_z", "main_gpu"};
  return k;
}

} // namespace

Options read_options(const json& body) {
  Options o;
  const json* opts = find_field(body, "options");
  if (!opts) return o;
  if (!opts->is_object()) fail("options", "invalid value for \"options\": expected an object, got " + json_kind(*opts));
  for (auto it = opts->begin(); it != opts->end(); ++it) {
    const std::string& key = it.key();
    const json& v = *it;
    if (v.is_null()) continue;
    if (key == "temperature") o.temperature = as_float(v, key, 0.0);
    else if (key == "top_k") o.top_k = as_int(v, key);
    else if (key == "top_p") o.top_p = as_float(v, key, 0.0, 1.0);
    else if (key == "min_p") o.min_p = as_float(v, key, 0.0, 1.0);
    else if (key == "typical_p") o.typical_p = as_float(v, key, 0.0, 1.0);
    else if (key == "repeat_last_n") o.repeat_last_n = as_int(v, key);
    else if (key == "repeat_penalty") o.repeat_penalty = as_float(v, key, 0.0);
    else if (key == "presence_penalty") o.presence_penalty = as_float(v, key);
    else if (key == "frequency_penalty") o.frequency_penalty = as_float(v, key);
    else if (key == "seed") {
      if (!v.is_number()) option_error(key, "integer");
      const auto seed = static_cast<int64_t>(v.get<double>());
      if (seed != -1) o.seed = static_cast<uint64_t>(seed); // -1 asks for a random seed
    } else if (key == "num_predict") {
      o.num_predict = as_int(v, key);
      if (*o.num_predict < -2) fail("options.num_predict", "option \"num_predict\" must be >= -2");
    } else if (key == "stop") {
      if (!v.is_array()) option_error(key, "array");
      for (const auto& s : v) {
        if (!s.is_string()) option_error(key, "array of strings");
        o.stop.push_back(s.get<std::string>());
      }
    } else if (key == "num_ctx") {
      o.num_ctx = as_int(v, key);
      if (*o.num_ctx < 1) fail("options.num_ctx", "option \"num_ctx\" must be positive");
    } else if (key == "num_keep") o.num_keep = as_int(v, key);
    else if (key == "num_batch") {
      o.num_batch = as_int(v, key);
      if (*o.num_batch < 1) fail("options.num_batch", "option \"num_batch\" must be positive");
    } else if (key == "num_thread") o.num_thread = as_int(v, key);
    else if (key == "num_gpu") o.num_gpu = as_int(v, key);
    else if (ignored_bool_options().count(key)) {
      if (!v.is_boolean()) option_error(key, "boolean");
      o.unknown.push_back(key);
    } else if (ignored_number_options().count(key)) {
      if (!v.is_number()) option_error(key, "number");
      o.unknown.push_back(key);
    } else {
      o.unknown.push_back(key);
    }
  }
  return o;
}

std::optional<int64_t> parse_duration_ms(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string s(text);
  // A bare number means seconds (Ollama's own clients send "300" as well as "5m").
  char* end = nullptr;
  const double bare = std::strtod(s.c_str(), &end);
  if (end == s.c_str() + s.size()) return static_cast<int64_t>(std::llround(bare * 1000.0));

  size_t i = 0;
  bool negative = false;
  if (s[i] == '-' || s[i] == '+') negative = s[i++] == '-';
  if (i >= s.size()) return std::nullopt;
  double total_ms = 0;
  while (i < s.size()) {
    const size_t start = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    const double value = std::strtod(s.substr(start, i - start).c_str(), nullptr);
    const size_t unit_start = i;
    while (i < s.size() && !((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    const std::string unit = s.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ns") scale = 1e-6;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") scale = 1e-3;
    else if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1e3;
    else if (unit == "m") scale = 60e3;
    else if (unit == "h") scale = 3600e3;
    else return std::nullopt;
    total_ms += value * scale;
  }
  const auto ms = static_cast<int64_t>(std::llround(total_ms));
  return negative ? -ms : ms;
}

KeepAlive read_keep_alive(const json& body) {
  const json* v = find_field(body, "keep_alive");
  if (!v) return std::nullopt;
  int64_t ms = 0;
  if (v->is_number()) {
    ms = static_cast<int64_t>(std::llround(v->get<double>() * 1000.0));
  } else if (v->is_string()) {
    if (v->get<std::string>().empty()) return std::nullopt; // Go's zero value: the default
    const auto parsed = parse_duration_ms(v->get<std::string>());
    if (!parsed) fail("keep_alive", "time: invalid duration \"" + v->get<std::string>() + "\"");
    ms = *parsed;
  } else {
    fail("keep_alive", "invalid value for \"keep_alive\": expected a number or a duration string, got " + json_kind(*v));
  }
  return ms < 0 ? -1 : ms; // any negative duration keeps the model loaded forever
}

std::string read_format(const json& body) {
  const json* f = find_field(body, "format");
  if (!f) return {};
  if (f->is_string()) {
    const auto s = f->get<std::string>();
    if (s.empty()) return {};
    if (s != "json") fail("format", "invalid format: \"" + s + "\"; expected \"json\" or a JSON schema");
    return s;
  }
  if (f->is_object()) return f->dump();
  fail("format", "invalid value for \"format\": expected \"json\" or a JSON schema object, got " + json_kind(*f));
}

std::optional<bool> read_think(const json& body) {
  const json* t = find_field(body, "think");
  if (!t) return std::nullopt;
  if (t->is_boolean()) return t->get<bool>();
  if (t->is_string()) {
    const auto s = t->get<std::string>();
    if (s == "high" || s == "medium" || s == "low") return true;
    fail("think", "invalid think value: \"" + s + "\" (must be true, false, \"high\", \"medium\" or \"low\")");
  }
  fail("think", "invalid value for \"think\": expected a boolean, got " + json_kind(*t));
}

} // namespace llmhost::native
