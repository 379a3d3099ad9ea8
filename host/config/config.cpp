#include "config/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

extern char** environ;

namespace llmhost::config {
namespace {

// Raised inside the parser only; parse() turns it into a Status.
struct ConfigError {
  std::string message;
};

std::string where(const YAML::Node& node, const std::string& key, const std::string& origin) {
  const auto mark = node.Mark();
  std::ostringstream os;
  os << origin;
  if (mark.line >= 0) os << ":" << (mark.line + 1);
  os << ": '" << key << "'";
  return os.str();
}

[[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& origin,
                       const std::string& what) {
  throw ConfigError{where(node, key, origin) + " " + what};
}

struct Reader {
  std::string origin;

  std::string str(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, key, origin, "must be a string");
    return n.Scalar();
  }
  int64_t integer(const YAML::Node& n, const std::string& key, int64_t lo, int64_t hi) const {
    if (!n.IsScalar()) fail(n, key, origin, "must be an integer");
    int64_t v = 0;
    try {
      size_t used = 0;
      v = std::stoll(n.Scalar(), &used, 10);
      if (used != n.Scalar().size()) throw std::invalid_argument("trailing");
    } catch (...) {
      fail(n, key, origin, "must be an integer, got '" + n.Scalar() + "'");
    }
    if (v < lo || v > hi)
      fail(n, key, origin, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                               ", got " + std::to_string(v));
    return v;
  }
  bool boolean(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, key, origin, "must be true or false");
    const auto& s = n.Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    fail(n, key, origin, "must be true or false, got '" + s + "'");
  }
  std::string choice(const YAML::Node& n, const std::string& key, std::initializer_list<const char*> allowed) const {
    std::string s = str(n, key);
    for (const char* a : allowed)
      if (s == a) return s;
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(n, key, origin, "must be one of " + list + ", got '" + s + "'");
  }
  std::vector<std::string> strings(const YAML::Node& n, const std::string& key) const {
    if (n.IsNull()) return {};
    if (!n.IsSequence()) fail(n, key, origin, "must be a list of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < n.size(); ++i) out.push_back(str(n[i], key + "[" + std::to_string(i) + "]"));
    return out;
  }
  int64_t duration(const YAML::Node& n, const std::string& key) const {
    auto v = parse_duration_ms(str(n, key));
    if (!v) fail(n, key, origin, "must be a duration such as 5m, 1h, 300 (seconds) or -1, got '" + n.Scalar() + "'");
    return *v;
  }
  // Calls on_key for each entry; unknown keys are errors.
  using KeyFn = std::function<void(const YAML::Node&)>;
  void section(const YAML::Node& n, const std::string& prefix, const std::map<std::string, KeyFn>& keys) const {
    if (n.IsNull()) return;
    if (!n.IsMap()) fail(n, prefix, origin, "must be a mapping");
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      const std::string full = prefix.empty() ? key : prefix + "." + key;
      auto it = keys.find(key);
      if (it == keys.end()) {
        std::string known;
        for (const auto& [k, _] : keys) known += (known.empty() ? "" : ", ") + k;
        fail(kv.first, full, origin, "is not a known key (known here: " + known + ")");
      }
      it->second(kv.second);
    }
  }
};

// "~/x" -> "$HOME/x", as a shell would.
std::filesystem::path expand_home(const std::string& p) {
  if (p == "~" || p.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    if (home && *home) return std::filesystem::path(home) / p.substr(p.size() > 1 ? 2 : 1);
  }
  return p;
}

nlohmann::json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& kv : n) j[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& item : n) j.push_back(yaml_to_json(item));
      return j;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return s; // quoted
      if (s == "true") return true;
      if (s == "false") return false;
      try {
        size_t used = 0;
        long long i = std::stoll(s, &used);
        if (used == s.size()) return i;
        double d = std::stod(s, &used);
        if (used == s.size()) return d;
      } catch (...) {
      }
      return s;
    }
    default: return nullptr;
  }
}

void read_config(const YAML::Node& root, const Reader& r, Config& cfg) {
  r.section(root, "", {
    {"server", [&](const YAML::Node& n) {
      auto& s = cfg.server;
      r.section(n, "server", {
        {"host", [&](const YAML::Node& v) { s.host = r.str(v, "server.host"); }},
        {"port", [&](const YAML::Node& v) { s.port = static_cast<int>(r.integer(v, "server.port", 0, 65535)); }},
        {"api_keys", [&](const YAML::Node& v) { s.api_keys = r.strings(v, "server.api_keys"); }},
        {"cors_origins", [&](const YAML::Node& v) { s.cors_origins = r.strings(v, "server.cors_origins"); }},
        {"max_body_bytes", [&](const YAML::Node& v) { s.max_body_bytes = static_cast<uint64_t>(r.integer(v, "server.max_body_bytes", 1024, int64_t{1} << 40)); }},
        {"max_connections", [&](const YAML::Node& v) { s.max_connections = static_cast<int>(r.integer(v, "server.max_connections", 1, 4096)); }},
        {"request_timeout_s", [&](const YAML::Node& v) { s.request_timeout_s = static_cast<int>(r.integer(v, "server.request_timeout_s", 1, 86400)); }},
        {"shutdown_grace_s", [&](const YAML::Node& v) { s.shutdown_grace_s = static_cast<int>(r.integer(v, "server.shutdown_grace_s", 0, 3600)); }},
      });
    }},
    {"plugins", [&](const YAML::Node& n) {
      auto& p = cfg.plugins;
      r.section(n, "plugins", {
        {"search_paths", [&](const YAML::Node& v) {
          p.search_paths.clear();
          for (const auto& s : r.strings(v, "plugins.search_paths")) p.search_paths.push_back(expand_home(s));
        }},
        {"formats", [&](const YAML::Node& v) { p.formats = r.strings(v, "plugins.formats"); }},
        {"backends", [&](const YAML::Node& v) { p.backends = r.strings(v, "plugins.backends"); }},
        {"options", [&](const YAML::Node& v) {
          if (v.IsNull()) return;
          if (!v.IsMap()) fail(v, "plugins.options", r.origin, "must be a mapping of plugin name to options");
          for (const auto& kv : v) {
            const std::string name = kv.first.as<std::string>();
            if (!kv.second.IsMap() && !kv.second.IsNull())
              fail(kv.second, "plugins.options." + name, r.origin, "must be a mapping");
            p.options[name] = yaml_to_json(kv.second).dump();
          }
        }},
      });
    }},
    {"models", [&](const YAML::Node& n) {
      auto& m = cfg.models;
      r.section(n, "models", {
        {"dir", [&](const YAML::Node& v) { m.dir = expand_home(r.str(v, "models.dir")); }},
        {"import_dir", [&](const YAML::Node& v) { m.import_dir = expand_home(r.str(v, "models.import_dir")); }},
        {"default_backend", [&](const YAML::Node& v) { m.default_backend = r.str(v, "models.default_backend"); }},
        {"context_length", [&](const YAML::Node& v) { m.context_length = static_cast<int>(r.integer(v, "models.context_length", 16, 1 << 20)); }},
        {"parallel", [&](const YAML::Node& v) { m.parallel = static_cast<int>(r.integer(v, "models.parallel", 1, 256)); }},
        {"max_queue", [&](const YAML::Node& v) { m.max_queue = static_cast<int>(r.integer(v, "models.max_queue", 0, 100000)); }},
        {"batch", [&](const YAML::Node& v) { m.batch = static_cast<int>(r.integer(v, "models.batch", 1, 65536)); }},
        {"keep_alive", [&](const YAML::Node& v) { m.keep_alive_ms = r.duration(v, "models.keep_alive"); }},
        {"max_loaded", [&](const YAML::Node& v) { m.max_loaded = static_cast<int>(r.integer(v, "models.max_loaded", 1, 64)); }},
        {"kv_type", [&](const YAML::Node& v) { m.kv_type = r.choice(v, "models.kv_type", {"f16", "f32"}); }},
        {"pull_allow_private", [&](const YAML::Node& v) { m.pull_allow_private = r.boolean(v, "models.pull_allow_private"); }},
        {"overrides", [&](const YAML::Node& v) {
          if (v.IsNull()) return;
          if (!v.IsMap()) fail(v, "models.overrides", r.origin, "must be a mapping of model name to overrides");
          for (const auto& kv : v) {
            const std::string name = kv.first.as<std::string>();
            const std::string pfx = "models.overrides." + name;
            ModelOverride o;
            r.section(kv.second, pfx, {
              {"template", [&](const YAML::Node& t) { o.template_text = r.str(t, pfx + ".template"); }},
              {"system", [&](const YAML::Node& t) { o.system = r.str(t, pfx + ".system"); }},
              {"parameters", [&](const YAML::Node& t) {
                if (!t.IsMap()) fail(t, pfx + ".parameters", r.origin, "must be a mapping");
                for (const auto& p : t) o.parameters[p.first.as<std::string>()] = r.str(p.second, pfx + ".parameters." + p.first.as<std::string>());
              }},
            });
            m.overrides[name] = std::move(o);
          }
        }},
      });
    }},
    {"logging", [&](const YAML::Node& n) {
      r.section(n, "logging", {
        {"level", [&](const YAML::Node& v) { cfg.logging.level = r.choice(v, "logging.level", {"trace", "debug", "info", "warn", "error"}); }},
        {"format", [&](const YAML::Node& v) { cfg.logging.format = r.choice(v, "logging.format", {"text", "json"}); }},
      });
    }},
  });
}

} // namespace

Config defaults() {
  Config c;
  const char* home = std::getenv("HOME");
  c.models.dir = std::filesystem::path(home && *home ? home : ".") / ".llmhost" / "models";
  return c;
}

Result<Config> parse(const std::string& yaml_text, const std::string& origin) {
  Config cfg = defaults();
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (!root.IsNull() && !root.IsMap())
      return Status::error(ErrorCode::invalid_request, origin + ": the top level must be a mapping");
    read_config(root, Reader{origin}, cfg);
  } catch (const ConfigError& e) {
    return Status::error(ErrorCode::invalid_request, e.message);
  } catch (const YAML::Exception& e) {
    std::ostringstream os;
    os << origin << ":" << (e.mark.line + 1) << ":" << (e.mark.column + 1) << ": invalid YAML: " << e.msg;
    return Status::error(ErrorCode::invalid_request, os.str());
  }
  if (cfg.plugins.formats.empty())
    return Status::error(ErrorCode::invalid_request, origin + ": 'plugins.formats' must name at least one format plugin");
  return cfg;
}

Result<Config> load_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return Status::error(ErrorCode::not_found, "config file not found: " + path.string());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto cfg = parse(ss.str(), path.filename().string());
  if (!cfg) return cfg;
  cfg->source = path;
  // Relative paths in a config file are relative to that file's folder.
  const auto base = std::filesystem::absolute(path).parent_path();
  auto rebase = [&](std::filesystem::path& p) {
    if (!p.empty() && p.is_relative()) p = (base / p).lexically_normal();
  };
  for (auto& p : cfg->plugins.search_paths) rebase(p);
  rebase(cfg->models.dir);
  rebase(cfg->models.import_dir);
  return cfg;
}

std::optional<int64_t> parse_duration_ms(const std::string& text) {
  if (text.empty()) return std::nullopt;
  static const std::regex number(R"(^-?\d+(\.\d+)?$)");
  if (std::regex_match(text, number)) {
    double secs = std::stod(text);
    return secs < 0 ? int64_t{-1} : static_cast<int64_t>(secs * 1000.0);
  }
  // Go-style: sequence of <number><unit>, units h, m, s, ms.
  static const std::regex part(R"((\d+(?:\.\d+)?)(ms|h|m|s))");
  bool negative = text[0] == '-';
  std::string rest = negative ? text.substr(1) : text;
  double total = 0;
  size_t pos = 0;
  for (std::sregex_iterator it(rest.begin(), rest.end(), part), end; it != end; ++it) {
    if (static_cast<size_t>(it->position()) != pos) return std::nullopt;
    const double v = std::stod((*it)[1].str());
    const std::string unit = (*it)[2].str();
    total += unit == "h" ? v * 3600e3 : unit == "m" ? v * 60e3 : unit == "s" ? v * 1e3 : v;
    pos += static_cast<size_t>(it->length());
  }
  if (pos != rest.size() || pos == 0) return std::nullopt;
  return negative ? int64_t{-1} : static_cast<int64_t>(total);
}

Status parse_host_port(const std::string& text, std::string& host, int& port) {
  std::string h = text;
  std::string p;
  if (!h.empty() && h[0] == '[') {
    auto close = h.find(']');
    if (close == std::string::npos) return Status::error(ErrorCode::invalid_request, "bad address '" + text + "'");
    p = close + 1 < h.size() && h[close + 1] == ':' ? h.substr(close + 2) : "";
    h = h.substr(1, close - 1);
  } else if (auto colon = h.rfind(':'); colon != std::string::npos && h.find(':') == colon) {
    p = h.substr(colon + 1);
    h = h.substr(0, colon);
  }
  if (!p.empty()) {
    try {
      size_t used = 0;
      int v = std::stoi(p, &used);
      if (used != p.size() || v < 0 || v > 65535) throw std::out_of_range("port");
      port = v;
    } catch (...) {
      return Status::error(ErrorCode::invalid_request, "bad port in '" + text + "'");
    }
  }
  if (!h.empty()) host = h;
  return Status::success();
}

std::map<std::string, std::string> process_env() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    if (kv.rfind("LLMHOST_", 0) != 0) continue;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

Status apply_env(Config& cfg, const std::map<std::string, std::string>& env) {
  auto get = [&](const char* k) -> const std::string* {
    auto it = env.find(k);
    return it == env.end() || it->second.empty() ? nullptr : &it->second;
  };
  auto bad = [](const char* k, const std::string& v, const char* what) {
    return Status::error(ErrorCode::invalid_request, std::string(k) + "='" + v + "' " + what);
  };
  auto to_int = [](const std::string& v, int lo, int hi) -> std::optional<int> {
    try {
      size_t used = 0;
      int i = std::stoi(v, &used);
      if (used == v.size() && i >= lo && i <= hi) return i;
    } catch (...) {
    }
    return std::nullopt;
  };
  if (auto v = get("LLMHOST_HOST")) {
    if (auto st = parse_host_port(*v, cfg.server.host, cfg.server.port); !st) return bad("LLMHOST_HOST", *v, "is not host[:port]");
  }
  if (auto v = get("LLMHOST_MODELS")) cfg.models.dir = expand_home(*v);
  if (auto v = get("LLMHOST_BACKEND")) cfg.models.default_backend = *v;
  if (auto v = get("LLMHOST_KEEP_ALIVE")) {
    auto d = parse_duration_ms(*v);
    if (!d) return bad("LLMHOST_KEEP_ALIVE", *v, "is not a duration (5m, 300, -1)");
    cfg.models.keep_alive_ms = *d;
  }
  if (auto v = get("LLMHOST_API_KEY")) cfg.server.api_keys = {*v};
  if (auto v = get("LLMHOST_ORIGINS")) {
    cfg.server.cors_origins.clear();
    std::stringstream ss(*v);
    for (std::string o; std::getline(ss, o, ',');)
      if (!o.empty()) cfg.server.cors_origins.push_back(o);
  }
  if (auto v = get("LLMHOST_NUM_PARALLEL")) {
    auto i = to_int(*v, 1, 256);
    if (!i) return bad("LLMHOST_NUM_PARALLEL", *v, "must be an integer 1..256");
    cfg.models.parallel = *i;
  }
  if (auto v = get("LLMHOST_MAX_LOADED_MODELS")) {
    auto i = to_int(*v, 1, 64);
    if (!i) return bad("LLMHOST_MAX_LOADED_MODELS", *v, "must be an integer 1..64");
    cfg.models.max_loaded = *i;
  }
  if (auto v = get("LLMHOST_CONTEXT_LENGTH")) {
    auto i = to_int(*v, 16, 1 << 20);
    if (!i) return bad("LLMHOST_CONTEXT_LENGTH", *v, "must be an integer >= 16");
    cfg.models.context_length = *i;
  }
  if (auto v = get("LLMHOST_PLUGIN_PATH")) {
    std::stringstream ss(*v);
    for (std::string p; std::getline(ss, p, ':');)
      if (!p.empty()) cfg.plugins.search_paths.emplace_back(p);
  }
  if (auto v = get("LLMHOST_LOG_LEVEL")) {
    static const char* levels[] = {"trace", "debug", "info", "warn", "error"};
    if (std::find(std::begin(levels), std::end(levels), *v) == std::end(levels))
      return bad("LLMHOST_LOG_LEVEL", *v, "must be trace, debug, info, warn or error");
    cfg.logging.level = *v;
  }
  return Status::success();
}

} // namespace llmhost::config
