#include "cli/options.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace llmhost::cli {

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = flags.find(name);
  if (it == flags.end()) return std::nullopt;
  return it->second;
}

Result<Args> parse_args(const std::vector<std::string>& argv, const std::vector<std::string>& switches) {
  Args a;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& s = argv[i];
    if (s == "--") {
      a.positional.insert(a.positional.end(), argv.begin() + static_cast<long>(i) + 1, argv.end());
      break;
    }
    if (s.size() > 1 && s[0] == '-' && !(s.size() > 1 && std::isdigit(static_cast<unsigned char>(s[1])))) {
      std::string name = s.substr(s[1] == '-' ? 2 : 1);
      std::string value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      const bool is_switch = std::find(switches.begin(), switches.end(), name) != switches.end();
      if (!has_value && !is_switch) {
        if (i + 1 >= argv.size()) return Status::error(ErrorCode::invalid_request, "option " + s + " needs a value");
        value = argv[++i];
      }
      a.flags[name] = value;
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

Result<config::Config> load_config(const Args& args) {
  const auto env = config::process_env();
  std::filesystem::path file;
  if (auto f = args.get("config")) file = *f;
  else if (auto it = env.find("LLMHOST_CONFIG"); it != env.end() && !it->second.empty()) file = it->second;

  config::Config cfg = config::defaults();
  if (!file.empty()) {
    auto loaded = config::load_file(file);
    if (!loaded) return loaded.status();
    cfg = std::move(loaded.value());
  }
  if (auto st = config::apply_env(cfg, env); !st) return st;
  if (auto v = args.get("host")) {
    if (auto st = config::parse_host_port(*v, cfg.server.host, cfg.server.port); !st) return st;
  }
  if (auto v = args.get("models")) cfg.models.dir = *v;
  if (auto v = args.get("backend")) cfg.models.default_backend = *v;
  if (auto v = args.get("api-key")) cfg.server.api_keys = {*v};
  if (auto v = args.get("log-level")) cfg.logging.level = *v;
  if (auto v = args.get("plugin-path")) cfg.plugins.search_paths.insert(cfg.plugins.search_paths.begin(), *v);
  return cfg;
}

std::optional<config::Config> load_config_or_report(const Args& args) {
  auto cfg = load_config(args);
  if (!cfg) {
    std::cerr << "llmhost: configuration error: " << cfg.status().message << "\n";
    return std::nullopt;
  }
  return std::move(cfg.value());
}

namespace {

// %j: the message as a JSON string body (quotes, backslashes and control characters escaped),
// so `logging.format: json` always yields one valid JSON object per line.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static const char* hex = "0123456789abcdef";
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        dest.push_back('\\');
        dest.push_back(c);
      } else if (u < 0x20) {
        const char esc[] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 15]};
        dest.append(esc, esc + 6);
      } else {
        dest.push_back(c);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

} // namespace

void setup_logging(const config::LoggingConfig& cfg) {
  auto logger = spdlog::stderr_color_mt("llmhost");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(cfg.level));
  if (cfg.format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JsonMessageFlag>('j').set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%j"})");
    spdlog::set_formatter(std::move(formatter));
  } else
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  spdlog::flush_on(spdlog::level::info);
}

} // namespace llmhost::cli
