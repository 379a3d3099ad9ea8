// A user uploads a GGUF as a blob and creates a model from it (Ollama's `ollama create` flow),
// with overrides, then uses it; bad digests are refused before anything is written.
#include <fstream>
#include <sstream>

#include <Poco/DigestStream.h>
#include <Poco/SHA2Engine.h>

#include "e2e_support.hpp"
#include "testdata.hpp"

namespace llmhost::testing::e2e {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string sha256_hex(const std::string& data) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(data.data(), static_cast<unsigned>(data.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

TEST(CreateFromBlob, UploadedGgufBecomesAModelWithOverrides) {
  LLMHOST_REQUIRE_TESTDATA();
  ModelHost mh;
  ASSERT_TRUE(mh.start("cpu"));
  auto& host = mh.host();
  const std::string gguf = read_file(llmhost::testing::testdata("stories260K.gguf"));
  const std::string digest = "sha256:" + sha256_hex(gguf);

  EXPECT_EQ(host.request("HEAD", "/api/blobs/" + digest).status, 404);
  auto pushed = host.request("POST", "/api/blobs/" + digest, gguf, {{"Content-Type", "application/octet-stream"}});
  EXPECT_EQ(pushed.status, 201) << pushed.body;
  EXPECT_EQ(host.request("HEAD", "/api/blobs/" + digest).status, 200);

  json create = {{"model", "tiny-story:v1"},
                 {"files", {{"stories260K.gguf", digest}}},
                 {"system", "Tell a story."},
                 {"parameters", {{"temperature", 0}, {"num_predict", 5}}},
                 {"stream", false}};
  auto created = host.request("POST", "/api/create", create.dump());
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(json::parse(created.body)["status"], "success") << created.body;

  auto show = host.request("POST", "/api/show", json{{"model", "tiny-story:v1"}}.dump());
  ASSERT_EQ(show.status, 200) << show.body;
  const auto shown = json::parse(show.body);
  EXPECT_EQ(shown["system"], "Tell a story.");
  EXPECT_NE(shown["parameters"].get<std::string>().find("num_predict"), std::string::npos) << show.body;

  // The model's num_predict parameter applies when the request sets none.
  auto gen = host.request("POST", "/api/generate",
                          json{{"model", "tiny-story:v1"}, {"prompt", "Once"}, {"raw", true}, {"stream", false}}.dump());
  ASSERT_EQ(gen.status, 200) << gen.body;
  EXPECT_EQ(json::parse(gen.body)["eval_count"], 5) << gen.body;
}

TEST(CreateFromBlob, BadDigestsAreRefusedBeforeAnythingIsWritten) {
  LLMHOST_REQUIRE_TESTDATA();
  ModelHost mh;
  ASSERT_TRUE(mh.start("cpu"));
  auto& host = mh.host();
  for (const char* bad : {"sha256:../../etc", "sha256:abc", "md5:0123456789abcdef0123456789abcdef"}) {
    auto r = host.request("POST", std::string("/api/blobs/") + bad, "data", {{"Content-Type", "application/octet-stream"}});
    // "../" splits the path, so that one matches no route at all (404); the others reach the
    // digest check (400). Neither touches the store.
    EXPECT_TRUE(r.status == 400 || r.status == 404) << bad << ": " << r.status << " " << r.body;
    EXPECT_EQ(r.body.find(mh.models_dir().string()), std::string::npos) << r.body;
  }
  // A well-formed digest that does not match the bytes.
  const std::string wrong = "sha256:" + std::string(64, 'a');
  auto r = host.request("POST", "/api/blobs/" + wrong, "not the bytes", {{"Content-Type", "application/octet-stream"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(host.request("HEAD", "/api/blobs/" + wrong).status, 404);
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(mh.models_dir() / "blobs", ec))
    ADD_FAILURE() << "left behind: " << e.path().filename();
}

} // namespace
} // namespace llmhost::testing::e2e
