// Starts the real llmhost binary on an ephemeral loopback port for integration tests, and talks
// to it over HTTP. Only 127.0.0.1 is ever contacted.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace llmhost::testing {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers; // lower-case names
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HostProcess {
 public:
  HostProcess() = default;
  ~HostProcess();
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  // Runs `llmhost serve --config <yaml written to a temp file> --host 127.0.0.1:0 ...extra`.
  // Returns false (see logs()) when it exits or does not announce its port within the timeout.
  bool start(const std::string& config_yaml, const std::vector<std::string>& extra_args = {},
             const std::map<std::string, std::string>& env = {}, int timeout_s = 60);
  int port() const { return port_; }
  // SIGTERM, then waits for exit; returns the exit status (-1 on timeout, then SIGKILL).
  int stop(int timeout_s = 30);
  void send_signal(int sig);
  // Waits for the process to exit on its own; returns its exit status or -1 on timeout.
  int wait_exit(int timeout_s);
  std::string logs() const;
  const std::filesystem::path& dir() const { return dir_; }

  HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {}, int timeout_s = 120) const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_status_ = -1;
  std::filesystem::path dir_;
  mutable std::mutex log_mu_;
  std::string logs_;
  std::thread reader_;
};

// Runs a command to completion, returning its exit status and combined output.
int run_command(const std::vector<std::string>& argv, std::string& output,
                const std::map<std::string, std::string>& env = {}, const std::string& stdin_text = "");

std::filesystem::path llmhost_binary();
std::filesystem::path make_temp_dir(const std::string& prefix);

// A minimal config for tests: loopback, the build tree's plugins, a temp model store.
std::string test_config(const std::filesystem::path& models_dir, const std::string& extra_yaml = "");

} // namespace llmhost::testing
