#include "store/model_store.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "temp_store.hpp"

namespace llmhost::store {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

class CreateTest : public ::testing::Test {
 protected:
  CreateTest() : store_(root_.path(), imports_.path()) {}

  std::string upload(const std::vector<std::byte>& bytes) {
    const std::string hex = testing::sha256_hex(bytes);
    std::istringstream in(testing::as_string(bytes));
    EXPECT_TRUE(store_.put_blob("sha256:" + hex, in).ok());
    return hex;
  }

  TempDir root_;
  TempDir imports_;
  ModelStore store_;
};

TEST_F(CreateTest, FromUploadedBlob) {
  const std::string hex = upload(testing::tiny_gguf("blob"));
  CreateSpec spec;
  spec.name = "mine:v1";
  spec.files = {{"weights.gguf", "sha256:" + hex}};
  spec.system = "Be brief.";
  spec.parameters = {{"temperature", "0.2"}};
  ASSERT_TRUE(store_.create(spec).ok());
  auto e = store_.resolve("mine:v1");
  ASSERT_TRUE(e.ok()) << e.status().message;
  EXPECT_EQ(e->sha256, hex);
  EXPECT_EQ(e->gguf_path, store_.blob_path(hex));
  EXPECT_EQ(e->system, "Be brief.");
  EXPECT_EQ(e->parameters.at("temperature"), "0.2");
  EXPECT_EQ(store_.sha256_of(e.value()).value(), hex);

  // The same through `from: sha256:...`.
  CreateSpec by_digest;
  by_digest.name = "mine:v2";
  by_digest.from = "sha256:" + hex;
  ASSERT_TRUE(store_.create(by_digest).ok());
}

TEST_F(CreateTest, FromBlobErrors) {
  CreateSpec spec;
  spec.name = "x";
  spec.files = {{"w.gguf", "sha256:" + std::string(64, 'c')}};
  EXPECT_EQ(store_.create(spec).code, ErrorCode::invalid_request); // not uploaded
  spec.files = {{"w.gguf", "sha256:nope"}};
  EXPECT_EQ(store_.create(spec).code, ErrorCode::invalid_request);
  const std::string text_hex = upload({std::byte{'h'}, std::byte{'i'}});
  spec.files = {{"w.gguf", "sha256:" + text_hex}};
  EXPECT_EQ(store_.create(spec).code, ErrorCode::invalid_request); // not a GGUF
  CreateSpec none;
  none.name = "x";
  EXPECT_EQ(store_.create(none).code, ErrorCode::invalid_request);
  CreateSpec bad_name;
  bad_name.name = "../x";
  bad_name.from = "sha256:" + text_hex;
  EXPECT_EQ(store_.create(bad_name).code, ErrorCode::invalid_request);
  EXPECT_TRUE(store_.list()->empty());
}

TEST_F(CreateTest, FromExistingModelWithOverrides) {
  const std::string hex = upload(testing::tiny_gguf("base"));
  CreateSpec base;
  base.name = "base";
  base.from = "sha256:" + hex;
  base.template_text = "{{ .Prompt }}";
  base.system = "base system";
  base.parameters = {{"temperature", "0.5"}, {"top_k", "20"}};
  ASSERT_TRUE(store_.create(base).ok());

  CreateSpec derived;
  derived.name = "derived";
  derived.from = "Base:latest";
  derived.system = "derived system";
  derived.parameters = {{"temperature", "0.9"}};
  ASSERT_TRUE(store_.create(derived).ok());
  auto e = store_.resolve("derived");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->gguf_path, store_.blob_path(hex));
  EXPECT_EQ(e->template_override, "{{ .Prompt }}"); // inherited
  EXPECT_EQ(e->system, "derived system");           // overridden
  EXPECT_EQ(e->parameters.at("temperature"), "0.9");
  EXPECT_EQ(e->parameters.at("top_k"), "20");
  EXPECT_EQ(e->parent, "base:latest");

  // Removing the base keeps the blob for the derived model.
  ASSERT_TRUE(store_.remove("base").ok());
  EXPECT_TRUE(store_.has_blob("sha256:" + hex).value());

  CreateSpec unknown_param = derived;
  unknown_param.name = "other";
  unknown_param.parameters = {{"rm -rf", "1"}};
  EXPECT_EQ(store_.create(unknown_param).code, ErrorCode::invalid_request);
  CreateSpec bad_value = derived;
  bad_value.parameters = {{"temperature", "hot"}};
  EXPECT_EQ(store_.create(bad_value).code, ErrorCode::invalid_request);
  CreateSpec missing = derived;
  missing.from = "nope";
  EXPECT_EQ(store_.create(missing).code, ErrorCode::not_found);
}

TEST_F(CreateTest, FromImportFolder) {
  const auto bytes = testing::tiny_gguf("import");
  testing::write_file(imports_.path() / "sub" / "model.gguf", bytes);
  CreateSpec spec;
  spec.name = "imported";
  spec.from = "sub/model.gguf";
  ASSERT_TRUE(store_.create(spec).ok());
  auto e = store_.resolve("imported");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->sha256, testing::sha256_hex(bytes));
  EXPECT_EQ(e->gguf_path, store_.blob_path(e->sha256)); // copied into the store
  EXPECT_TRUE(fs::exists(imports_.path() / "sub" / "model.gguf"));
}

TEST_F(CreateTest, ImportRefusesTraversalAndOutsidePaths) {
  TempDir outside;
  testing::write_file(outside.path() / "secret.gguf", testing::tiny_gguf("secret"));
  fs::create_symlink(outside.path() / "secret.gguf", imports_.path() / "link.gguf");
  fs::create_directory_symlink(outside.path(), imports_.path() / "linkdir");
  const std::string attempts[] = {
      "../secret.gguf", "sub/../../secret.gguf", (outside.path() / "secret.gguf").string(),
      "link.gguf", "linkdir/secret.gguf", "missing.gguf", "./x.gguf", "a\\..\\b.gguf",
  };
  for (const auto& from : attempts) {
    CreateSpec spec;
    spec.name = "attempt";
    spec.from = from;
    const Status s = store_.create(spec);
    EXPECT_EQ(s.code, ErrorCode::invalid_request) << from;
    EXPECT_EQ(s.message.find(outside.path().string()), std::string::npos) << s.message;
    EXPECT_EQ(s.message.find(imports_.path().string()), std::string::npos) << s.message;
  }
  EXPECT_TRUE(store_.list()->empty());

  ModelStore no_imports(root_.path());
  CreateSpec spec;
  spec.name = "x";
  spec.from = "model.gguf";
  EXPECT_EQ(no_imports.create(spec).code, ErrorCode::invalid_request);
}

} // namespace
} // namespace llmhost::store
