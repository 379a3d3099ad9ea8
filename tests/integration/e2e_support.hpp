// Shared pieces of the end-to-end tests: a host serving stories260K from a temporary store on a
// chosen backend, the reference greedy outputs, and parsers for NDJSON and SSE bodies.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "host_process.hpp"

namespace llmhost::testing::e2e {

using json = nlohmann::json;

inline constexpr const char* kModel = "stories260K";

// One prompt of reference/stories260K-greedy.json.
struct ReferenceRun {
  std::string prompt;
  std::vector<int32_t> prompt_ids;
  std::vector<int32_t> greedy_ids;
};
std::vector<ReferenceRun> reference_runs();

// True when `llmhost plugins` lists a Vulkan device; otherwise `why` says what it printed.
bool vulkan_device_available(std::string& why);

// Config lines that make `backend` the one models are placed on.
std::string backend_yaml(const std::string& backend);

// A host whose store holds stories260K.gguf (listed as stories260K:latest).
class ModelHost {
 public:
  ModelHost() = default;
  ~ModelHost();
  ModelHost(const ModelHost&) = delete;
  ModelHost& operator=(const ModelHost&) = delete;

  ::testing::AssertionResult start(const std::string& backend, const std::string& extra_yaml = "");
  HostProcess& host() { return host_; }
  const std::filesystem::path& models_dir() const { return models_; }

 private:
  HostProcess host_;
  std::filesystem::path models_;
};

// Each non-empty line parsed as JSON; a line that is not JSON fails the current test.
std::vector<json> ndjson_lines(const std::string& body);
// The payloads of the `data:` fields of an SSE body, in order (raw text, "[DONE]" included).
std::vector<std::string> sse_data(const std::string& body);

// Bodies for the native API.
json generate_body(const std::string& prompt, int num_predict, bool stream, json extra_options = json::object());
json chat_body(const std::string& content, int num_predict, bool stream, json extra_options = json::object());

// The generated part of a done line's `context` (the prompt ids removed).
std::vector<int32_t> generated_ids(const json& done, size_t prompt_len);

// Parameterised over the backend: skips Vulkan runs when no Vulkan device is present, and keeps
// token counts small there (software Vulkan is slow).
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  bool vulkan() const { return GetParam() == "vulkan"; }
  int tokens(int on_cpu) const { return vulkan() ? std::min(on_cpu, 8) : on_cpu; }
  // Starts the host; a failure fails the test (callers ASSERT_NO_FATAL_FAILURE or check).
  void start(const std::string& extra_yaml = "");
  HostProcess& host() { return model_host_->host(); }
  HttpResult post(const std::string& path, const json& body, int timeout_s = 120) {
    return host().request("POST", path, body.dump(), {}, timeout_s);
  }

  std::unique_ptr<ModelHost> model_host_;
};

// Test name suffixes: "cpu", "vulkan".
std::string backend_name(const ::testing::TestParamInfo<std::string>& info);

} // namespace llmhost::testing::e2e
