// The host's configuration: one YAML file, validated at start, then overridden by environment
// variables (LLMHOST_*) and command-line flags, in that order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llmhost/status.hpp"

namespace llmhost::config {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 11434;
  std::vector<std::string> api_keys;     // empty: no authentication
  std::vector<std::string> cors_origins; // "*" allows any
  uint64_t max_body_bytes = 64ull << 20;
  int max_connections = 64;              // concurrent requests (each stream holds one)
  int request_timeout_s = 600;           // idle socket timeout
  int shutdown_grace_s = 30;             // how long in-flight requests may finish on SIGTERM
};

struct PluginsConfig {
  std::vector<std::filesystem::path> search_paths; // in addition to the built-in locations
  std::vector<std::string> formats{"openai", "native"};
  std::vector<std::string> backends{"cpu", "vulkan"}; // load order; placement preference below
  std::map<std::string, std::string> options;         // plugin name -> options as JSON text
};

struct ModelOverride {
  std::string template_text;
  std::string system;
  std::map<std::string, std::string> parameters;
};

struct ModelsConfig {
  std::filesystem::path dir;        // model store
  std::filesystem::path import_dir; // /api/create may import GGUF files from here
  std::string default_backend = "cpu";
  int context_length = 4096;        // per slot
  int parallel = 2;                 // slots per loaded model
  int max_queue = 16;               // waiting requests per model before 503
  int batch = 512;                  // prompt chunk size
  int64_t keep_alive_ms = 5 * 60 * 1000; // negative: forever
  int max_loaded = 1;
  std::string kv_type = "f16";      // f16 | f32
  bool pull_allow_private = false;  // let /api/pull reach loopback/private addresses
  std::map<std::string, ModelOverride> overrides; // "name:tag" -> overrides
};

struct LoggingConfig {
  std::string level = "info"; // trace | debug | info | warn | error
  std::string format = "text"; // text | json
};

struct Config {
  ServerConfig server;
  PluginsConfig plugins;
  ModelsConfig models;
  LoggingConfig logging;
  std::filesystem::path source; // the file it came from (empty: defaults)
};

// Defaults only (models.dir = ~/.llmhost/models).
Config defaults();
// Parses YAML text (`origin` names it in errors). Unknown keys, wrong types and bad values are
// errors naming the key and line.
Result<Config> parse(const std::string& yaml_text, const std::string& origin = "config");
Result<Config> load_file(const std::filesystem::path& path);
// Applies LLMHOST_* environment variables (from `env`, a getenv-like function).
Status apply_env(Config& cfg, const std::map<std::string, std::string>& env);
std::map<std::string, std::string> process_env();
// Parses durations as Ollama does: "5m", "1h30m", "300" (seconds), "-1" (forever), "0".
std::optional<int64_t> parse_duration_ms(const std::string& text);
// "host:port", "host", ":port", "[::1]:port".
Status parse_host_port(const std::string& text, std::string& host, int& port);

} // namespace llmhost::config
