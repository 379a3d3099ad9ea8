// Digests, RFC 3339 timestamps, parameters and path containment.
#include <sstream>

#include <gtest/gtest.h>

#include "store/digest.hpp"
#include "store/parameters.hpp"
#include "store/rfc3339.hpp"
#include "store/store_paths.hpp"
#include "temp_store.hpp"

namespace llmhost::store {
namespace {

namespace fs = std::filesystem;

TEST(Digest, KnownSha256) {
  std::istringstream abc("abc");
  EXPECT_EQ(sha256_of_stream(abc).value(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest_hex("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad").value(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Rfc3339, RoundTripAndOffsets) {
  const auto t = parse_rfc3339("2024-05-01T12:34:56.123456789Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(to_rfc3339(*t).substr(0, 26), "2024-05-01T12:34:56.123456"); // system_clock precision
  EXPECT_EQ(to_rfc3339(*parse_rfc3339("2024-05-01T14:34:56+02:00")), "2024-05-01T12:34:56Z");
  EXPECT_EQ(to_rfc3339(*parse_rfc3339("2023-12-31T23:00:00-01:30")), "2024-01-01T00:30:00Z");
  EXPECT_FALSE(parse_rfc3339("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2024-05-01 12:34"));
  EXPECT_FALSE(parse_rfc3339("2024-05-01T12:34:56"));
  EXPECT_FALSE(parse_rfc3339("2024-05-01T12:34:56Zjunk"));
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(to_rfc3339(to_file_time(now)), to_rfc3339(now));
}

TEST(Parameters, ApplyOnlyWhereRequestIsSilent) {
  Options o;
  o.temperature = 0.1f;
  ASSERT_TRUE(apply_parameters({{"temperature", "0.9"}, {"top_k", "5"}, {"stop", "A\nB"}, {"seed", "-1"}}, o).ok());
  EXPECT_EQ(*o.temperature, 0.1f);
  EXPECT_EQ(*o.top_k, 5);
  EXPECT_EQ(o.stop, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(*o.seed, UINT64_MAX);
  EXPECT_EQ(validate_parameters({{"top_k", "1.5"}}).code, ErrorCode::invalid_request);
  EXPECT_EQ(validate_parameters({{"nope", "1"}}).code, ErrorCode::invalid_request);
  EXPECT_TRUE(validate_parameters({{"num_ctx", " 4096 "}}).ok());
}

TEST(StorePaths, ContainmentResolvesSymlinks) {
  testing::TempDir root_dir, outside;
  const fs::path root = canonical_dir(root_dir.path());
  fs::create_directories(root / "a");
  fs::create_directory_symlink(outside.path(), root / "escape");
  EXPECT_TRUE(resolve_inside(root, "a/file.gguf", "x").ok());
  EXPECT_TRUE(resolve_inside(root, "new/not-yet.gguf", "x").ok());
  EXPECT_FALSE(resolve_inside(root, "escape/file.gguf", "x").ok());
  EXPECT_FALSE(resolve_inside(root, "../file", "x").ok());
  EXPECT_FALSE(resolve_inside(root, "/etc/passwd", "x").ok());
  EXPECT_FALSE(resolve_inside(root, "", "x").ok());
  EXPECT_FALSE(is_inside(root, root));
  EXPECT_FALSE(is_inside(root, fs::path(root.string() + "-sibling") / "x"));
}

} // namespace
} // namespace llmhost::store
