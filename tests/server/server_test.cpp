// The host as a user meets it: the real binary on a loopback port with the real plugins from
// the build tree, called over HTTP.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "host_process.hpp"

namespace llmhost::testing {
namespace {

using json = nlohmann::json;

class Host : public ::testing::Test {
 protected:
  void start(const std::string& extra_yaml = "", std::map<std::string, std::string> env = {}) {
    models_ = make_temp_dir("llmhost-models");
    ASSERT_TRUE(host_.start(test_config(models_, extra_yaml), {}, env)) << host_.logs();
  }
  void TearDown() override {
    host_.stop();
    std::error_code ec;
    std::filesystem::remove_all(models_, ec);
  }
  HostProcess host_;
  std::filesystem::path models_;
};

TEST_F(Host, AnswersRootLikeOllama) {
  start();
  auto r = host_.request("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "Ollama is running");
  EXPECT_EQ(host_.request("HEAD", "/").status, 200);
}

TEST_F(Host, ReportsItsVersionAndLogsEachRequest) {
  start();
  auto r = host_.request("GET", "/api/version");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json::parse(r.body).contains("version"));
  EXPECT_FALSE(r.header("x-request-id").empty());
  EXPECT_TRUE(host_.wait_for_log("GET /api/version 200")) << host_.logs();
}

TEST_F(Host, JsonLogsAreOneValidObjectPerLine) {
  start("logging:\n  format: json\n");
  EXPECT_EQ(host_.request("GET", "/api/nope%22quoted").status, 404);
  ASSERT_TRUE(host_.wait_for_log("GET /api/nope")) << host_.logs();
  std::istringstream lines(host_.logs());
  int parsed = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    auto j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_TRUE(j.contains("msg") && j.contains("level"));
    ++parsed;
  }
  EXPECT_GT(parsed, 3);
}

TEST_F(Host, UnknownRoutesGetJson404InTheirApisShape) {
  start();
  auto native = host_.request("GET", "/api/nope");
  EXPECT_EQ(native.status, 404);
  EXPECT_TRUE(json::parse(native.body)["error"].is_string()) << native.body;
  auto openai = host_.request("GET", "/v1/nope");
  EXPECT_EQ(openai.status, 404);
  EXPECT_TRUE(json::parse(openai.body)["error"]["message"].is_string()) << openai.body;
  auto other = host_.request("GET", "/elsewhere");
  EXPECT_EQ(other.status, 404);
  EXPECT_TRUE(json::parse(other.body).contains("error"));
}

TEST_F(Host, WrongMethodIs405WithAllow) {
  start();
  auto r = host_.request("GET", "/api/chat");
  EXPECT_EQ(r.status, 405);
  EXPECT_NE(r.header("allow").find("POST"), std::string::npos);
  EXPECT_TRUE(json::parse(r.body)["error"].is_string());
}

TEST_F(Host, InvalidJsonIs400InEachShape) {
  start();
  auto native = host_.request("POST", "/api/chat", "{not json");
  EXPECT_EQ(native.status, 400);
  EXPECT_TRUE(json::parse(native.body)["error"].is_string()) << native.body;
  auto openai = host_.request("POST", "/v1/chat/completions", "{not json");
  EXPECT_EQ(openai.status, 400);
  EXPECT_EQ(json::parse(openai.body)["error"]["type"], "invalid_request_error") << openai.body;
}

TEST_F(Host, MissingModelsAre404) {
  start();
  auto native = host_.request("POST", "/api/chat", R"({"model":"nope","messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(native.status, 404) << native.body;
  EXPECT_NE(json::parse(native.body)["error"].get<std::string>().find("not found"), std::string::npos);
  auto openai = host_.request("POST", "/v1/chat/completions", R"({"model":"nope","messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(openai.status, 404) << openai.body;
  EXPECT_NE(json::parse(openai.body)["error"]["message"].get<std::string>().find("not found"), std::string::npos);
  auto gen = host_.request("POST", "/api/generate", R"({"model":"nope","prompt":"hi","stream":false})");
  EXPECT_EQ(gen.status, 404) << gen.body;
}

TEST_F(Host, PathTraversalInModelNamesIsRefused) {
  start();
  for (const char* name : {"../../etc/passwd", "/etc/passwd", "a/../../b"}) {
    json body{{"model", name}, {"prompt", "hi"}, {"stream", false}};
    auto r = host_.request("POST", "/api/generate", body.dump());
    EXPECT_TRUE(r.status == 400 || r.status == 404) << name << ": " << r.status;
    EXPECT_EQ(r.body.find("/etc/"), std::string::npos) << r.body;
  }
}

TEST_F(Host, OversizedBodiesAre413) {
  start("server:\n  max_body_bytes: 2048\n");
  const std::string big(4096, 'x');
  auto r = host_.request("POST", "/api/chat", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(json::parse(r.body)["error"].is_string());
}

TEST_F(Host, ApiKeyGuardsEveryRouteButRootAndVersion) {
  start("", {{"LLMHOST_API_KEY", "s3cret"}});
  EXPECT_EQ(host_.request("GET", "/").status, 200);
  EXPECT_EQ(host_.request("GET", "/api/version").status, 200);
  auto missing = host_.request("GET", "/api/tags");
  EXPECT_EQ(missing.status, 401);
  EXPECT_TRUE(json::parse(missing.body)["error"].is_string());
  auto wrong = host_.request("GET", "/v1/models", "", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_TRUE(json::parse(wrong.body)["error"]["message"].is_string()) << wrong.body;
  EXPECT_EQ(host_.request("GET", "/api/tags", "", {{"Authorization", "Bearer s3cret"}}).status, 200);
  EXPECT_EQ(host_.request("GET", "/v1/models", "", {{"Authorization", "Bearer s3cret"}}).status, 200);
}

TEST_F(Host, CorsAllowsLocalAndConfiguredOriginsOnly) {
  start("server:\n  cors_origins: [\"https://app.example\"]\n");
  auto local = host_.request("GET", "/api/version", "", {{"Origin", "http://localhost:3000"}});
  EXPECT_EQ(local.header("access-control-allow-origin"), "http://localhost:3000");
  auto configured = host_.request("GET", "/api/version", "", {{"Origin", "https://app.example"}});
  EXPECT_EQ(configured.header("access-control-allow-origin"), "https://app.example");
  auto other = host_.request("GET", "/api/version", "", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(other.header("access-control-allow-origin"), "");
  auto preflight = host_.request("OPTIONS", "/api/chat", "", {{"Origin", "http://127.0.0.1:8080"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_NE(preflight.header("access-control-allow-methods").find("POST"), std::string::npos);
}

TEST_F(Host, ListsNoModelsInAnEmptyStore) {
  start();
  auto tags = host_.request("GET", "/api/tags");
  ASSERT_EQ(tags.status, 200) << tags.body;
  EXPECT_TRUE(json::parse(tags.body)["models"].empty());
  auto models = host_.request("GET", "/v1/models");
  ASSERT_EQ(models.status, 200) << models.body;
  EXPECT_TRUE(json::parse(models.body)["data"].empty());
}

TEST_F(Host, ShutsDownGracefullyOnSigterm) {
  start();
  EXPECT_EQ(host_.request("GET", "/api/version").status, 200);
  EXPECT_EQ(host_.stop(), 0) << host_.logs();
  EXPECT_NE(host_.logs().find("stopped"), std::string::npos);
}

TEST(HostStartup, StartsWithoutAVulkanDevice) {
  auto models = make_temp_dir("llmhost-models");
  HostProcess host;
  ASSERT_TRUE(host.start(test_config(models), {}, {{"VK_ICD_FILENAMES", "/nonexistent.json"}})) << host.logs();
  EXPECT_EQ(host.request("GET", "/api/version").status, 200);
  host.stop();
  std::filesystem::remove_all(models);
}

// Configuration errors stop the host with the key and line.
void expect_config_error(const std::string& yaml, const std::string& expected) {
  auto models = make_temp_dir("llmhost-models");
  HostProcess host;
  EXPECT_FALSE(host.start(test_config(models, yaml), {}, {}, 20));
  EXPECT_EQ(host.wait_exit(10), 2);
  EXPECT_NE(host.logs().find(expected), std::string::npos) << host.logs();
  std::filesystem::remove_all(models);
}

TEST(HostConfig, UnknownKeyIsNamedWithItsLine) {
  expect_config_error("bogus_section:\n  x: 1\n", "config.yaml:11: 'bogus_section' is not a known key");
}

TEST(HostConfig, UnknownNestedKeyIsNamed) {
  expect_config_error("plugins:\n  formatz: [openai]\n", "'plugins.formatz' is not a known key");
}

TEST(HostConfig, WrongTypeIsNamed) {
  expect_config_error("plugins:\n  formats: openai\n", "'plugins.formats' must be a list of strings");
}

TEST(HostConfig, BadValueIsNamed) {
  expect_config_error("logging:\n  level: loud\n", "'logging.level' must be one of");
}

TEST(HostConfig, BadEnvironmentOverrideIsNamed) {
  auto models = make_temp_dir("llmhost-models");
  HostProcess host;
  EXPECT_FALSE(host.start(test_config(models), {}, {{"LLMHOST_KEEP_ALIVE", "soon"}}, 20));
  EXPECT_EQ(host.wait_exit(10), 2);
  EXPECT_NE(host.logs().find("LLMHOST_KEEP_ALIVE='soon'"), std::string::npos) << host.logs();
  std::filesystem::remove_all(models);
}

TEST(HostPlugins, TwoFormatsClaimingOneRouteStopTheHost) {
  auto models = make_temp_dir("llmhost-models");
  HostProcess host;
  const std::string yaml = "plugins:\n  search_paths: [\"" + std::string(LLMHOST_BUILD_DIR) +
                           "/test-plugins/conflict\"]\n  formats: [openai, native, conflict]\n";
  EXPECT_FALSE(host.start(test_config(models, yaml), {}, {}, 20));
  EXPECT_EQ(host.wait_exit(10), 1);
  EXPECT_NE(host.logs().find("route conflict: POST /api/chat"), std::string::npos) << host.logs();
  std::filesystem::remove_all(models);
}

TEST(HostPlugins, PluginsCommandListsWhatItFound) {
  std::string out;
  const int rc = run_command({llmhost_binary().string(), "plugins", "--plugin-path",
                              std::string(LLMHOST_BUILD_DIR) + "/test-plugins/broken"},
                             out);
  EXPECT_EQ(rc, 1) << out; // the broken fixtures are refused
  for (const char* name : {"openai", "native", "cpu", "vulkan"})
    EXPECT_NE(out.find(std::string("loaded  ") + name), std::string::npos) << name << "\n" << out;
  EXPECT_NE(out.find("libgarbage.so"), std::string::npos) << out;
  EXPECT_NE(out.find("cannot be loaded as a shared library"), std::string::npos) << out;
  EXPECT_NE(out.find("device 0: cpu") , std::string::npos) << out;
}

} // namespace
} // namespace llmhost::testing
