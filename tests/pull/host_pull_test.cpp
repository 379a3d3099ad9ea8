// Pulling as a user meets it: POST /api/pull on the real host binary, and `llmhost pull`, both
// against a file server on 127.0.0.1 serving the stories260K GGUF.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "file_server.hpp"
#include "host_process.hpp"
#include "testdata.hpp"

namespace llmhost::testing {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string config_allowing_private(const fs::path& models, bool allow) {
  std::string yaml = test_config(models);
  const std::string key = "models:\n";
  yaml.insert(yaml.find(key) + key.size(), std::string("  pull_allow_private: ") + (allow ? "true" : "false") + "\n");
  return yaml;
}

std::vector<json> ndjson_lines(const std::string& body) {
  std::vector<json> lines;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(json::parse(line));
  return lines;
}

class HostPull : public ::testing::Test {
 protected:
  void SetUp() override {
    LLMHOST_REQUIRE_TESTDATA();
    server_ = std::make_unique<FileServer>("stories.gguf", read_file(testdata("stories260K.gguf")));
    models_ = make_temp_dir("llmhost-pull-models");
  }
  void TearDown() override {
    std::error_code ec;
    if (!models_.empty()) fs::remove_all(models_, ec);
  }
  std::unique_ptr<FileServer> server_;
  fs::path models_;
};

TEST_F(HostPull, ApiPullStreamsProgressThenTheModelWorks) {
  HostProcess host;
  ASSERT_TRUE(host.start(config_allowing_private(models_, true))) << host.logs();
  const std::string url = server_->url("/stories.gguf");
  auto r = host.request("POST", "/api/pull", json{{"model", url}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto lines = ndjson_lines(r.body);
  ASSERT_GE(lines.size(), 4u) << r.body;
  EXPECT_EQ(lines.front()["status"], "pulling manifest");
  EXPECT_EQ(lines.back(), json({{"status", "success"}})) << r.body;
  bool saw_bytes = false;
  for (const auto& l : lines)
    if (l["status"] == "downloading" && l.value("completed", 0) == l.value("total", -1)) saw_bytes = true;
  EXPECT_TRUE(saw_bytes) << r.body;

  auto tags = host.request("GET", "/api/tags");
  ASSERT_EQ(tags.status, 200);
  bool listed = false;
  const json listing = json::parse(tags.body);
  for (const auto& m : listing["models"]) listed = listed || m["name"] == "stories:latest";
  EXPECT_TRUE(listed) << tags.body;

  auto gen = host.request("POST", "/api/generate",
                          R"({"model":"stories","prompt":"Once upon a time","stream":false,"options":{"num_predict":8,"temperature":0}})");
  ASSERT_EQ(gen.status, 200) << gen.body;
  EXPECT_FALSE(json::parse(gen.body)["response"].get<std::string>().empty()) << gen.body;

  // The url/sha256 extension names the model and pins the digest; a wrong digest is a 400.
  auto wrong = host.request("POST", "/api/pull",
                            json{{"model", "pinned"}, {"url", url}, {"sha256", std::string(64, 'a')}, {"stream", false}}.dump());
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_NE(wrong.body.find("sha256 mismatch"), std::string::npos) << wrong.body;

  // A bare name has nowhere to come from.
  auto bare = host.request("POST", "/api/pull", R"({"model":"llama3.2"})");
  EXPECT_EQ(bare.status, 400) << bare.body;
  EXPECT_NE(bare.body.find("pull needs a URL or hf:// reference"), std::string::npos) << bare.body;
}

TEST_F(HostPull, LoopbackIsRefusedByDefault) {
  HostProcess host;
  ASSERT_TRUE(host.start(config_allowing_private(models_, false))) << host.logs();
  auto r = host.request("POST", "/api/pull", json{{"model", server_->url("/stories.gguf")}}.dump());
  EXPECT_NE(r.body.find("refusing to download from 127.0.0.1"), std::string::npos) << r.body;
  EXPECT_TRUE(server_->range_headers().empty());
}

TEST_F(HostPull, CliPullsIntoTheStoreWithPlainProgressLines) {
  const fs::path config = models_ / "config.yaml";
  std::ofstream(config) << config_allowing_private(models_ / "store", true);
  std::string output;
  const int rc = run_command({llmhost_binary().string(), "pull", server_->url("/stories.gguf"), "--name", "tales:v1",
                              "--config", config.string()},
                             output);
  ASSERT_EQ(rc, 0) << output;
  EXPECT_NE(output.find("pulling manifest"), std::string::npos) << output;
  EXPECT_NE(output.find("downloading 100%"), std::string::npos) << output;
  EXPECT_EQ(output.find('\r'), std::string::npos) << "no bar redraws when not on a terminal";
  EXPECT_NE(output.find("success: tales:v1"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(models_ / "store" / "manifests" / "tales" / "v1.yaml"));

  // The CLI follows the same address policy as the server.
  std::ofstream(config, std::ios::trunc) << config_allowing_private(models_ / "store", false);
  const int refused = run_command({llmhost_binary().string(), "pull", server_->url("/stories.gguf"), "--config",
                                   config.string()},
                                  output);
  EXPECT_NE(refused, 0);
  EXPECT_NE(output.find("refusing to download from 127.0.0.1"), std::string::npos) << output;
}

} // namespace
} // namespace llmhost::testing
