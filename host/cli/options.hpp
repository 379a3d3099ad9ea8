// Command-line plumbing shared by the subcommands: flag parsing and configuration assembly
// (file, then LLMHOST_* environment, then flags).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "llmhost/status.hpp"

namespace llmhost::cli {

// Flags of the form --name value / --name=value / -x value, plus positional arguments.
struct Args {
  std::map<std::string, std::string> flags; // name without dashes -> value ("" for switches)
  std::vector<std::string> positional;

  bool has(const std::string& name) const { return flags.count(name) != 0; }
  std::optional<std::string> get(const std::string& name) const;
};

// `switches` lists flags that take no value.
Result<Args> parse_args(const std::vector<std::string>& argv, const std::vector<std::string>& switches = {});

// Loads the configuration for a command: --config FILE, else LLMHOST_CONFIG, else defaults; then
// the environment; then --host, --models, --backend, --api-key, --log-level flags.
Result<config::Config> load_config(const Args& args);

// load_config, printing "llmhost: configuration error: ..." to stderr when it fails (the caller
// then exits with status 2).
std::optional<config::Config> load_config_or_report(const Args& args);

void setup_logging(const config::LoggingConfig& cfg);

} // namespace llmhost::cli
