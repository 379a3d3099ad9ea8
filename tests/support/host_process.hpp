// Starts the real llmhost binary on an ephemeral loopback port for integration tests, and talks
// to it over HTTP. Only 127.0.0.1 is ever contacted.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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

// A response read as it arrives: status and headers first, then the body line by line. close()
// drops the connection mid-stream, as a client that goes away would.
class StreamingResponse {
 public:
  StreamingResponse(int port, const std::string& method, const std::string& path, const std::string& body,
                    const std::map<std::string, std::string>& headers, int timeout_s);
  ~StreamingResponse();
  StreamingResponse(const StreamingResponse&) = delete;
  StreamingResponse& operator=(const StreamingResponse&) = delete;

  int status() const { return status_; }
  std::string header(const std::string& lower_name) const;
  // The next line of the body without its '\n'; nullopt at the end of the body.
  std::optional<std::string> next_line();
  // Reads the rest of the body.
  std::string rest();
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
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
  // Waits until the logs contain `text` (log lines are written after the response is sent).
  bool wait_for_log(const std::string& text, int timeout_s = 10) const;
  const std::filesystem::path& dir() const { return dir_; }

  HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {}, int timeout_s = 120) const;
  // Sends a request and returns once the response headers are in; throws Poco exceptions when
  // the connection fails (e.g. refused).
  std::unique_ptr<StreamingResponse> open_stream(const std::string& method, const std::string& path,
                                                 const std::string& body = "",
                                                 const std::map<std::string, std::string>& headers = {},
                                                 int timeout_s = 120) const;

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
