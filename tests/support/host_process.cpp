#include "host_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <regex>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace llmhost::testing {
namespace {

std::vector<char*> c_argv(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void apply_env(const std::map<std::string, std::string>& env) {
  for (const auto& [k, v] : env) {
    if (v.empty()) unsetenv(k.c_str());
    else setenv(k.c_str(), v.c_str(), 1);
  }
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

} // namespace

std::filesystem::path llmhost_binary() { return std::filesystem::path(LLMHOST_BUILD_DIR) / "bin" / "llmhost"; }

std::filesystem::path make_temp_dir(const std::string& prefix) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string test_config(const std::filesystem::path& models_dir, const std::string& extra_yaml) {
  std::string yaml = "server:\n  host: 127.0.0.1\n  port: 0\n  shutdown_grace_s: 10\nmodels:\n  dir: " + models_dir.string() +
                     "\n  parallel: 2\n  context_length: 512\nlogging:\n  level: info\n";
  return yaml + extra_yaml;
}

HostProcess::~HostProcess() {
  if (pid_ > 0) stop(10);
  if (reader_.joinable()) reader_.join();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

bool HostProcess::start(const std::string& config_yaml, const std::vector<std::string>& extra_args,
                        const std::map<std::string, std::string>& env, int timeout_s) {
  dir_ = make_temp_dir("llmhost-host");
  const auto config_path = dir_ / "config.yaml";
  std::ofstream(config_path) << config_yaml;
  std::vector<std::string> argv{llmhost_binary().string(), "serve", "--config", config_path.string()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());

  int pipefd[2];
  if (pipe(pipefd) != 0) return false;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipefd[1], STDERR_FILENO);
    dup2(pipefd[1], STDOUT_FILENO);
    close(pipefd[0]);
    close(pipefd[1]);
    apply_env(env);
    auto args = c_argv(argv);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipefd[1]);
  const int fd = pipefd[0];
  reader_ = std::thread([this, fd] {
    char buf[4096];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      std::lock_guard lock(log_mu_);
      logs_.append(buf, static_cast<size_t>(n));
    }
    close(fd);
  });
  static const std::regex listening(R"(listening on [^ ]*:(\d+))");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(log_mu_);
      std::smatch m;
      if (std::regex_search(logs_, m, listening)) {
        port_ = std::stoi(m[1].str());
        return true;
      }
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = decode_status(status);
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void HostProcess::send_signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int HostProcess::wait_exit(int timeout_s) {
  if (pid_ <= 0) return exit_status_;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = decode_status(status);
      pid_ = -1;
      if (reader_.joinable()) reader_.join();
      return exit_status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

int HostProcess::stop(int timeout_s) {
  if (pid_ <= 0) return exit_status_;
  kill(pid_, SIGTERM);
  int rc = wait_exit(timeout_s);
  if (rc == -1 && pid_ > 0) {
    kill(pid_, SIGKILL);
    wait_exit(5);
    return -1;
  }
  return rc;
}

std::string HostProcess::logs() const {
  std::lock_guard lock(log_mu_);
  return logs_;
}

bool HostProcess::wait_for_log(const std::string& text, int timeout_s) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (logs().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

HttpResult HostProcess::request(const std::string& method, const std::string& path, const std::string& body,
                                const std::map<std::string, std::string>& headers, int timeout_s) const {
  HttpResult r;
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
  session.setTimeout(Poco::Timespan(timeout_s, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST") {
    if (!req.has("Content-Type")) req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(req) << body;
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  r.status = resp.getStatus();
  for (const auto& [k, v] : resp) {
    std::string key = k;
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[key] = v;
  }
  if (method != "HEAD") Poco::StreamCopier::copyToString(in, r.body);
  return r;
}

struct StreamingResponse::Impl {
  Poco::Net::HTTPClientSession session;
  Poco::Net::HTTPResponse response;
  std::istream* body = nullptr;
  explicit Impl(int port) : session("127.0.0.1", static_cast<Poco::UInt16>(port)) {}
};

StreamingResponse::StreamingResponse(int port, const std::string& method, const std::string& path, const std::string& body,
                                     const std::map<std::string, std::string>& headers, int timeout_s)
    : impl_(std::make_unique<Impl>(port)) {
  impl_->session.setTimeout(Poco::Timespan(timeout_s, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST") {
    if (!req.has("Content-Type")) req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  impl_->session.sendRequest(req) << body;
  impl_->body = &impl_->session.receiveResponse(impl_->response);
  status_ = impl_->response.getStatus();
  for (const auto& [k, v] : impl_->response) {
    std::string key = k;
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers_[key] = v;
  }
}

StreamingResponse::~StreamingResponse() { close(); }

std::string StreamingResponse::header(const std::string& lower_name) const {
  auto it = headers_.find(lower_name);
  return it == headers_.end() ? "" : it->second;
}

std::optional<std::string> StreamingResponse::next_line() {
  if (!impl_ || !impl_->body) return std::nullopt;
  std::string line;
  if (!std::getline(*impl_->body, line)) return std::nullopt;
  return line;
}

std::string StreamingResponse::rest() {
  std::string out;
  if (impl_ && impl_->body) Poco::StreamCopier::copyToString(*impl_->body, out);
  return out;
}

void StreamingResponse::close() {
  if (!impl_) return;
  impl_->body = nullptr;
  try {
    impl_->session.abort();
  } catch (...) {
  }
  impl_.reset();
}

std::unique_ptr<StreamingResponse> HostProcess::open_stream(const std::string& method, const std::string& path,
                                                            const std::string& body,
                                                            const std::map<std::string, std::string>& headers,
                                                            int timeout_s) const {
  return std::make_unique<StreamingResponse>(port_, method, path, body, headers, timeout_s);
}

int run_command(const std::vector<std::string>& argv_in, std::string& output, const std::map<std::string, std::string>& env,
                const std::string& stdin_text) {
  std::vector<std::string> argv = argv_in;
  int out_pipe[2], in_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(in_pipe) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(out_pipe[1], STDERR_FILENO);
    dup2(in_pipe[0], STDIN_FILENO);
    close(out_pipe[0]);
    close(out_pipe[1]);
    close(in_pipe[0]);
    close(in_pipe[1]);
    apply_env(env);
    auto args = c_argv(argv);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(in_pipe[0]);
  if (!stdin_text.empty()) {
    ssize_t unused = write(in_pipe[1], stdin_text.data(), stdin_text.size());
    (void)unused;
  }
  close(in_pipe[1]);
  char buf[4096];
  for (;;) {
    ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    output.append(buf, static_cast<size_t>(n));
  }
  close(out_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return decode_status(status);
}

} // namespace llmhost::testing
