#include "store/model_store.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "temp_store.hpp"
#include "testdata.hpp"

namespace llmhost::store {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

class ModelStoreTest : public ::testing::Test {
 protected:
  // Uploads a tiny GGUF as a blob and creates `name` from it; returns the blob's hex digest.
  std::string add_blob_model(ModelStore& store, const std::string& name, const std::string& variant) {
    const auto bytes = testing::tiny_gguf(variant);
    const std::string hex = testing::sha256_hex(bytes);
    std::istringstream in(testing::as_string(bytes));
    EXPECT_TRUE(store.put_blob("sha256:" + hex, in).ok());
    CreateSpec spec;
    spec.name = name;
    spec.files = {{"model.gguf", "sha256:" + hex}};
    const Status s = store.create(spec);
    EXPECT_TRUE(s.ok()) << s.message;
    return hex;
  }

  TempDir dir_;
};

TEST_F(ModelStoreTest, EmptyStoreListsNothing) {
  ModelStore store(dir_.path() / "new-store");
  auto list = store.list();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  auto missing = store.resolve("nothing");
  EXPECT_EQ(missing.status().code, ErrorCode::not_found);
}

TEST_F(ModelStoreTest, DiscoversBareGgufWithoutHashingAndHashesLazily) {
  LLMHOST_REQUIRE_TESTDATA();
  fs::copy_file(llmhost::testing::testdata("stories260K.gguf"), dir_.path() / "stories260K.gguf");
  fs::create_directories(dir_.path() / "not-a-model.txt");
  ModelStore store(dir_.path());
  auto list = store.list();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const ModelEntry& e = list->front();
  EXPECT_EQ(e.ref.full(), "stories260K:latest");
  EXPECT_TRUE(e.bare);
  EXPECT_EQ(e.size, fs::file_size(llmhost::testing::testdata("stories260K.gguf")));
  EXPECT_TRUE(e.sha256.empty()); // listing does not hash

  auto resolved = store.resolve("STORIES260k"); // case-insensitive
  ASSERT_TRUE(resolved.ok()) << resolved.status().message;
  auto hex = store.sha256_of(resolved.value());
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ(hex.value(), sha256_of_file(llmhost::testing::testdata("stories260K.gguf")).value());
  // Now cached: the listing carries it.
  EXPECT_EQ(store.list()->front().sha256, hex.value());
}

TEST_F(ModelStoreTest, PutBlobVerifiesDigest) {
  ModelStore store(dir_.path());
  const std::string data = "hello blob";
  std::istringstream in1(data);
  const std::string hex = sha256_of_stream(in1).value();

  EXPECT_FALSE(store.has_blob("sha256:" + hex).value());
  std::istringstream good(data);
  ASSERT_TRUE(store.put_blob("sha256:" + hex, good).ok());
  EXPECT_TRUE(store.has_blob("sha256:" + hex).value());

  // Wrong digest: refused, nothing left behind.
  const std::string other(64, 'a');
  std::istringstream bad(data);
  const Status s = store.put_blob("sha256:" + other, bad);
  EXPECT_EQ(s.code, ErrorCode::invalid_request);
  EXPECT_FALSE(store.has_blob("sha256:" + other).value());
  size_t files = 0;
  for ([[maybe_unused]] const auto& f : fs::directory_iterator(store.blobs_dir())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(ModelStoreTest, MalformedDigestsRefusedBeforeTouchingFiles) {
  ModelStore store(dir_.path());
  const std::string bad[] = {"", "sha256:", "sha256:abc", "md5:" + std::string(32, 'a'),
                             "sha256:" + std::string(64, 'A'), "sha256:" + std::string(63, 'a') + "/",
                             "sha256:../../../../etc/passwd", "sha256-" + std::string(64, 'a'),
                             "sha256:" + std::string(65, 'a')};
  for (const auto& d : bad) {
    auto has = store.has_blob(d);
    EXPECT_FALSE(has.ok()) << d;
    EXPECT_EQ(has.status().code, ErrorCode::invalid_request);
    std::istringstream in("x");
    EXPECT_EQ(store.put_blob(d, in).code, ErrorCode::invalid_request) << d;
  }
  EXPECT_FALSE(fs::exists(store.blobs_dir())); // nothing created for invalid input
}

TEST_F(ModelStoreTest, SymlinkedBlobPointingOutsideIsRefused) {
  TempDir outside;
  const auto bytes = testing::tiny_gguf("outside");
  testing::write_file(outside.path() / "secret.gguf", bytes);
  ModelStore store(dir_.path() / "store");
  const std::string hex = testing::sha256_hex(bytes);
  fs::create_directories(store.blobs_dir());
  fs::create_symlink(outside.path() / "secret.gguf", store.blob_path(hex));
  EXPECT_FALSE(store.has_blob("sha256:" + hex).value());

  CreateSpec spec;
  spec.name = "sneaky";
  spec.from = "sha256:" + hex;
  const Status s = store.create(spec);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message.find(outside.path().string()), std::string::npos);

  // A bare .gguf symlinked from outside is not listed either.
  fs::create_symlink(outside.path() / "secret.gguf", store.root() / "linked.gguf");
  EXPECT_TRUE(store.list()->empty());
  EXPECT_EQ(store.resolve("linked").status().code, ErrorCode::not_found);

  // A hand-written manifest pointing outside is refused without naming the path.
  Manifest m;
  m.gguf = "../../" + (outside.path() / "secret.gguf").lexically_relative(fs::path("/")).string();
  ASSERT_TRUE(write_manifest_file(store.manifests_dir() / "evil" / "latest.yaml", m).ok());
  auto evil = store.resolve("evil");
  EXPECT_FALSE(evil.ok());
  EXPECT_EQ(evil.status().message.find(outside.path().string()), std::string::npos);
  m.gguf = (outside.path() / "secret.gguf").string(); // absolute
  ASSERT_TRUE(write_manifest_file(store.manifests_dir() / "evil2" / "latest.yaml", m).ok());
  EXPECT_FALSE(store.resolve("evil2").ok());
}

TEST_F(ModelStoreTest, ManifestRoundTrip) {
  Manifest m;
  m.gguf = "blobs/sha256-" + std::string(64, 'b');
  m.sha256 = std::string(64, 'b');
  m.size = 12345678901ull;
  m.modified = "2024-05-01T12:34:56.5Z";
  m.template_text = "{{ .System }}\n  {{ .Prompt }}: \"quoted\" # not a comment\n\n";
  m.system = "You are: helpful.\nSecond line";
  m.parameters = {{"temperature", "0.7"}, {"stop", "<|im_end|>\nUser:"}, {"num_ctx", "4096"}};
  m.parent = "base:latest";
  const fs::path file = dir_.path() / "m" / "latest.yaml";
  ASSERT_TRUE(write_manifest_file(file, m).ok());
  auto back = read_manifest(file);
  ASSERT_TRUE(back.ok()) << back.status().message;
  EXPECT_EQ(back->gguf, m.gguf);
  EXPECT_EQ(back->sha256, m.sha256);
  EXPECT_EQ(back->size, m.size);
  EXPECT_EQ(back->modified, m.modified);
  EXPECT_EQ(back->template_text, m.template_text);
  EXPECT_EQ(back->system, m.system);
  EXPECT_EQ(back->parameters, m.parameters);
  EXPECT_EQ(back->parent, m.parent);

  testing::write_file(dir_.path() / "broken.yaml", {std::byte{'['}});
  auto broken = read_manifest(dir_.path() / "broken.yaml");
  EXPECT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().message.find(dir_.path().string()), std::string::npos);
}

TEST_F(ModelStoreTest, CopyAndDeleteKeepSharedBlobs) {
  ModelStore store(dir_.path());
  const std::string hex = add_blob_model(store, "base", "x");
  ASSERT_TRUE(store.copy("base", "team/copy:v1").ok());
  auto list = store.list();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].ref.full(), "base:latest");
  EXPECT_EQ((*list)[1].ref.full(), "team/copy:v1");
  EXPECT_EQ((*list)[1].sha256, hex);
  EXPECT_EQ((*list)[1].gguf_path, (*list)[0].gguf_path);

  EXPECT_EQ(store.copy("missing", "x").code, ErrorCode::not_found);
  EXPECT_EQ(store.copy("base", "../x").code, ErrorCode::invalid_request);

  // Deleting one name keeps the blob the other still uses.
  ASSERT_TRUE(store.remove("base").ok());
  EXPECT_TRUE(store.has_blob("sha256:" + hex).value());
  EXPECT_EQ(store.resolve("base").status().code, ErrorCode::not_found);
  ASSERT_TRUE(store.resolve("team/copy:v1").ok());
  // Deleting the last user removes the blob and the empty name folders.
  ASSERT_TRUE(store.remove("TEAM/Copy:v1").ok());
  EXPECT_FALSE(store.has_blob("sha256:" + hex).value());
  EXPECT_FALSE(fs::exists(store.manifests_dir() / "team"));
  EXPECT_EQ(store.remove("team/copy:v1").code, ErrorCode::not_found);
}

TEST_F(ModelStoreTest, DeleteBareModelDeletesFileUnlessUsed) {
  ModelStore store(dir_.path());
  testing::write_file(dir_.path() / "bare.gguf", testing::tiny_gguf("bare"));
  ASSERT_TRUE(store.copy("bare", "alias").ok());
  EXPECT_EQ(store.remove("bare").code, ErrorCode::invalid_request); // alias still uses it
  ASSERT_TRUE(store.remove("alias").ok());
  EXPECT_TRUE(fs::exists(dir_.path() / "bare.gguf")); // not a blob: kept
  ASSERT_TRUE(store.remove("bare").ok());
  EXPECT_FALSE(fs::exists(dir_.path() / "bare.gguf"));
}

TEST_F(ModelStoreTest, ManifestWinsOverBareFileAndCaseVariantsMerge) {
  ModelStore store(dir_.path());
  testing::write_file(dir_.path() / "dup.gguf", testing::tiny_gguf("bare"));
  const std::string hex = add_blob_model(store, "dup", "manifest");
  auto list = store.list();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_FALSE(list->front().bare);
  EXPECT_EQ(list->front().sha256, hex);

  ASSERT_TRUE(store.copy("dup", "Other").ok());
  ASSERT_TRUE(store.copy("dup", "other").ok()); // same name in another case: replaces it
  list = store.list();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].ref.full(), "other:latest");
}

TEST_F(ModelStoreTest, ResolveCliAcceptsPathsResolveDoesNot) {
  TempDir elsewhere;
  testing::write_file(elsewhere.path() / "local.gguf", testing::tiny_gguf());
  ModelStore store(dir_.path());
  const std::string path = (elsewhere.path() / "local.gguf").string();
  EXPECT_FALSE(store.resolve(path).ok());
  auto cli = store.resolve_cli(path);
  ASSERT_TRUE(cli.ok()) << cli.status().message;
  EXPECT_EQ(cli->ref.full(), "local:latest");
  EXPECT_EQ(cli->size, fs::file_size(path));
}

} // namespace
} // namespace llmhost::store
