#include "e2e_support.hpp"

#include <fstream>
#include <mutex>
#include <sstream>

#include "testdata.hpp"

namespace llmhost::testing::e2e {

std::vector<ReferenceRun> reference_runs() {
  std::ifstream in(testdata("reference/stories260K-greedy.json"));
  const json doc = json::parse(in);
  std::vector<ReferenceRun> runs;
  for (const auto& r : doc.at("runs"))
    runs.push_back({r.at("prompt").get<std::string>(), r.at("prompt_ids").get<std::vector<int32_t>>(),
                    r.at("greedy_ids").get<std::vector<int32_t>>()});
  return runs;
}

bool vulkan_device_available(std::string& why) {
  // Asked once per test binary: enumerating devices starts the Vulkan loader, which is slow.
  static std::once_flag once;
  static bool available = false;
  static std::string output;
  std::call_once(once, [] {
    const auto dir = make_temp_dir("llmhost-e2e-plugins");
    const auto config = dir / "config.yaml";
    std::ofstream(config) << test_config(dir / "models");
    run_command({llmhost_binary().string(), "plugins", "--config", config.string()}, output);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::istringstream lines(output);
    bool in_vulkan = false;
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line[0] != ' ') in_vulkan = line.rfind("loaded  vulkan", 0) == 0;
      else if (in_vulkan && line.rfind("    device ", 0) == 0) available = true;
    }
  });
  why = output;
  return available;
}

std::string backend_yaml(const std::string& backend) { return "models:\n  default_backend: " + backend + "\n"; }

ModelHost::~ModelHost() {
  host_.stop();
  std::error_code ec;
  if (!models_.empty()) std::filesystem::remove_all(models_, ec);
}

::testing::AssertionResult ModelHost::start(const std::string& backend, const std::string& extra_yaml) {
  models_ = make_temp_dir("llmhost-e2e-models");
  std::error_code ec;
  std::filesystem::copy_file(testdata("stories260K.gguf"), models_ / "stories260K.gguf", ec);
  if (ec) return ::testing::AssertionFailure() << "cannot copy stories260K.gguf: " << ec.message();
  if (!host_.start(test_config(models_, backend_yaml(backend) + extra_yaml)))
    return ::testing::AssertionFailure() << "the host did not start:\n" << host_.logs();
  return ::testing::AssertionSuccess();
}

std::vector<json> ndjson_lines(const std::string& body) {
  std::vector<json> out;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto j = json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not a JSON line: " << line;
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

std::vector<std::string> sse_data(const std::string& body) {
  std::vector<std::string> out;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("data:", 0) != 0) continue;
    std::string payload = line.substr(5);
    if (!payload.empty() && payload[0] == ' ') payload.erase(0, 1);
    out.push_back(std::move(payload));
  }
  return out;
}

json generate_body(const std::string& prompt, int num_predict, bool stream, json extra_options) {
  json options = {{"temperature", 0}, {"num_predict", num_predict}};
  options.update(extra_options);
  return {{"model", kModel}, {"prompt", prompt}, {"raw", true}, {"stream", stream}, {"options", options}};
}

json chat_body(const std::string& content, int num_predict, bool stream, json extra_options) {
  json options = {{"temperature", 0}, {"num_predict", num_predict}};
  options.update(extra_options);
  return {{"model", kModel},
          {"messages", json::array({{{"role", "user"}, {"content", content}}})},
          {"stream", stream},
          {"options", options}};
}

std::vector<int32_t> generated_ids(const json& done, size_t prompt_len) {
  if (!done.contains("context")) return {};
  auto ctx = done["context"].get<std::vector<int32_t>>();
  if (ctx.size() < prompt_len) return {};
  return {ctx.begin() + static_cast<std::ptrdiff_t>(prompt_len), ctx.end()};
}

void BackendTest::SetUp() {
  LLMHOST_REQUIRE_TESTDATA();
  if (vulkan()) {
    std::string why;
    if (!vulkan_device_available(why))
      GTEST_SKIP() << "no Vulkan device: `llmhost plugins` lists none (install mesa-vulkan-drivers for lavapipe):\n" << why;
  }
}

void BackendTest::start(const std::string& extra_yaml) {
  model_host_ = std::make_unique<ModelHost>();
  ASSERT_TRUE(model_host_->start(GetParam(), extra_yaml));
}

std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

} // namespace llmhost::testing::e2e
