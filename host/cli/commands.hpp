// The llmhost subcommands. Each takes its arguments (after the subcommand name) and returns the
// process exit code.
#pragma once

#include <string>
#include <vector>

namespace llmhost::cli {

int cmd_serve(const std::vector<std::string>& args);
int cmd_plugins(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_bench(const std::vector<std::string>& args);
int cmd_pull(const std::vector<std::string>& args);

} // namespace llmhost::cli
