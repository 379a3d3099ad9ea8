// Real clients: the official `openai` and `ollama` npm packages, run by Node's test runner
// (clients.test.mjs) against the real host serving stories260K.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "host_process.hpp"
#include "testdata.hpp"

namespace llmhost::testing {
namespace {

namespace fs = std::filesystem;

// The program's path on $PATH, or empty.
fs::path find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::istringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Copies the client project into the build tree and installs its locked packages there, once
// per lock file. Returns false with npm's output when the install fails (e.g. offline).
bool install_clients(const fs::path& work, std::string& output) {
  const fs::path source = LLMHOST_CLIENTS_SOURCE_DIR;
  fs::create_directories(work);
  for (const char* f : {"package.json", "package-lock.json", "clients.test.mjs"})
    fs::copy_file(source / f, work / f, fs::copy_options::overwrite_existing);
  const fs::path stamp = work / "node_modules" / ".llmhost-lock";
  const std::string lock = read_file(work / "package-lock.json");
  if (fs::exists(stamp) && read_file(stamp) == lock) return true;
  const std::string cmd = "cd '" + work.string() + "' && npm ci --no-audit --no-fund --fetch-retries=1 --fetch-timeout=60000";
  if (run_command({"sh", "-c", cmd}, output) != 0) return false;
  std::ofstream(stamp, std::ios::binary) << lock;
  return true;
}

TEST(OfficialClients, OpenAiAndOllamaJavaScriptClientsWork) {
  LLMHOST_REQUIRE_TESTDATA();
  if (find_on_path("node").empty() || find_on_path("npm").empty())
    GTEST_SKIP() << "node and npm are needed for the client tests and are not on PATH";
  std::string npm_output;
  const fs::path work = LLMHOST_CLIENTS_WORK_DIR;
  if (!install_clients(work, npm_output))
    GTEST_SKIP() << "could not install the npm packages (is the npm registry reachable?):\n" << npm_output;

  const auto models = make_temp_dir("llmhost-clients-models");
  fs::copy_file(testdata("stories260K.gguf"), models / "stories260K.gguf");
  HostProcess host;
  ASSERT_TRUE(host.start(test_config(models, "models:\n  default_backend: cpu\n"))) << host.logs();

  std::string output;
  const std::string url = "http://127.0.0.1:" + std::to_string(host.port());
  const std::string cmd = "cd '" + work.string() + "' && node --test --test-timeout=120000 clients.test.mjs";
  const int rc = run_command({"sh", "-c", cmd}, output, {{"LLMHOST_URL", url}});
  EXPECT_EQ(rc, 0) << output << "\n--- host log ---\n" << host.logs();
  // Node's TAP summary: every test ran and passed (none skipped or cancelled).
  std::smatch tests, passed;
  ASSERT_TRUE(std::regex_search(output, tests, std::regex(R"(# tests (\d+))"))) << output;
  ASSERT_TRUE(std::regex_search(output, passed, std::regex(R"(# pass (\d+))"))) << output;
  EXPECT_GT(std::stoi(tests[1].str()), 0);
  EXPECT_EQ(passed[1].str(), tests[1].str()) << output;
  host.stop();
  std::error_code ec;
  fs::remove_all(models, ec);
}

} // namespace
} // namespace llmhost::testing
