// Pulls from a local HTTP server on 127.0.0.1 into a temporary model store.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "file_server.hpp"
#include "pull/downloader.hpp"
#include "store/digest.hpp"

namespace llmhost::pull {
namespace {

namespace fs = std::filesystem;
using testing::FileServer;

// "GGUF" and random bytes: the downloader checks the magic, not the contents.
std::string synthetic_gguf(size_t size) {
  std::string data = "GGUF";
  std::mt19937 rng(42);
  while (data.size() < size) data.push_back(static_cast<char>(rng() & 0xFF));
  return data;
}

std::string sha256_hex(const std::string& data) {
  std::istringstream in(data);
  return store::sha256_of_stream(in).value();
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class Pull : public ::testing::Test {
 protected:
  Pull()
      : content_(synthetic_gguf(3 << 20)),
        root_(fs::temp_directory_path() / ("llmhost-pull-" + std::to_string(std::random_device{}()))),
        store_(root_),
        server_("tiny.gguf", content_) {
    options_.allow_private = true;
    options_.timeout_s = 10;
  }
  ~Pull() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  Result<store::ModelEntry> pull(const std::string& model, const std::string& url, const std::string& sha = "") {
    events_.clear();
    PullModelRequest r;
    r.model = model;
    r.source_url = url;
    r.sha256 = sha;
    return pull_model(store_, r, options_, [this](const ProgressEvent& e) {
      events_.push_back(e);
      return keep_going_(e);
    });
  }

  std::vector<std::string> statuses() const {
    std::vector<std::string> out;
    for (const auto& e : events_)
      if (out.empty() || out.back() != e.status) out.push_back(e.status);
    return out;
  }

  std::string content_;
  fs::path root_;
  store::ModelStore store_;
  FileServer server_;
  FetchOptions options_;
  std::vector<ProgressEvent> events_;
  std::function<bool(const ProgressEvent&)> keep_going_ = [](const ProgressEvent&) { return true; };
};

TEST_F(Pull, DownloadsVerifiesAndStoresTheModel) {
  const std::string hex = sha256_hex(content_);
  auto entry = pull("", server_.url("/tiny.gguf"), "sha256:" + hex);
  ASSERT_TRUE(entry.ok()) << entry.status().message;
  EXPECT_EQ(entry->ref.full(), "tiny:latest");
  EXPECT_EQ(entry->size, content_.size());
  EXPECT_EQ(entry->gguf_path, store_.blob_path(hex));
  EXPECT_EQ(files_in(store_.blobs_dir()), std::vector<std::string>{"sha256-" + hex});
  EXPECT_EQ(store::sha256_of_file(store_.blob_path(hex)).value(), hex);

  EXPECT_EQ(statuses(), (std::vector<std::string>{"pulling manifest", "downloading", "verifying sha256 digest",
                                                   "writing manifest", "success"}));
  uint64_t last = 0;
  int downloading = 0;
  for (const auto& e : events_) {
    if (e.status != "downloading") continue;
    ++downloading;
    EXPECT_EQ(e.total, content_.size());
    EXPECT_EQ(e.digest, "sha256:" + hex);
    EXPECT_GE(e.completed, last);
    last = e.completed;
  }
  EXPECT_EQ(last, content_.size());
  EXPECT_GE(downloading, 3);
  EXPECT_LE(downloading, 110); // throttled, not one per chunk

  // The model resolves in the store afterwards, by name.
  auto resolved = store_.resolve("tiny");
  ASSERT_TRUE(resolved.ok()) << resolved.status().message;
  EXPECT_EQ(resolved->sha256, hex);

  // Pulling again with the digest known reuses the blob: no second download.
  const auto requests = server_.range_headers().size();
  auto again = pull("other:v1", server_.url("/tiny.gguf"), hex);
  ASSERT_TRUE(again.ok()) << again.status().message;
  EXPECT_EQ(server_.range_headers().size(), requests);
  EXPECT_TRUE(store_.resolve("other:v1").ok());
}

TEST_F(Pull, WithoutADigestTheContentNamesTheBlob) {
  auto entry = pull("named", server_.url("/tiny.gguf"));
  ASSERT_TRUE(entry.ok()) << entry.status().message;
  EXPECT_EQ(entry->ref.full(), "named:latest");
  EXPECT_EQ(entry->sha256, sha256_hex(content_));
}

TEST_F(Pull, DigestMismatchStoresNothing) {
  const std::string wrong(64, '0');
  auto entry = pull("", server_.url("/tiny.gguf"), wrong);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.status().code, ErrorCode::invalid_request);
  EXPECT_NE(entry.status().message.find("sha256 mismatch"), std::string::npos) << entry.status().message;
  EXPECT_EQ(entry.status().message.find(root_.string()), std::string::npos) << "no absolute paths";
  for (const auto& name : files_in(store_.blobs_dir())) EXPECT_EQ(name.rfind("sha256-", 0), std::string::npos) << name;
  EXPECT_FALSE(store_.resolve("tiny").ok());
  EXPECT_TRUE(files_in(store_.manifests_dir()).empty());
}

TEST_F(Pull, ResumesAnInterruptedDownloadWithRange) {
  const std::string hex = sha256_hex(content_);
  server_.cut_next_response();
  auto first = pull("", server_.url("/tiny.gguf"), hex);
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.status().message.find("stopped after"), std::string::npos) << first.status().message;
  const fs::path partial = store_.blobs_dir() / ("partial-" + hex);
  ASSERT_TRUE(fs::exists(partial));
  const auto kept = fs::file_size(partial);
  EXPECT_GT(kept, 0u);
  EXPECT_LT(kept, content_.size());

  auto second = pull("", server_.url("/tiny.gguf"), hex);
  ASSERT_TRUE(second.ok()) << second.status().message;
  EXPECT_EQ(server_.range_headers().back(), "bytes=" + std::to_string(kept) + "-");
  EXPECT_EQ(events_[1].status, "downloading");
  EXPECT_EQ(events_[1].completed, kept); // progress starts where the partial file ended
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_EQ(store::sha256_of_file(store_.blob_path(hex)).value(), hex);
}

TEST_F(Pull, RestartsWhenTheServerIgnoresRanges) {
  server_.cut_next_response();
  ASSERT_FALSE(pull("", server_.url("/tiny.gguf")).ok());
  server_.set_ranges_supported(false);
  auto entry = pull("", server_.url("/tiny.gguf"));
  ASSERT_TRUE(entry.ok()) << entry.status().message;
  EXPECT_FALSE(server_.range_headers().back().empty()); // asked for a range, got 200
  EXPECT_EQ(entry->sha256, sha256_hex(content_));
  EXPECT_EQ(entry->size, content_.size());
}

TEST_F(Pull, CancellingLeavesThePartialForLater) {
  keep_going_ = [](const ProgressEvent& e) { return !(e.status == "downloading" && e.completed > 0); };
  auto entry = pull("", server_.url("/tiny.gguf"));
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.status().code, ErrorCode::cancelled);
  const auto files = files_in(store_.blobs_dir());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].rfind("partial-url-", 0), 0u) << files[0];
  keep_going_ = [](const ProgressEvent&) { return true; };
  ASSERT_TRUE(pull("", server_.url("/tiny.gguf")).ok());
  EXPECT_NE(server_.range_headers().back(), "");
}

TEST_F(Pull, LoopbackIsRefusedUnlessAllowed) {
  options_.allow_private = false;
  auto entry = pull("", server_.url("/tiny.gguf"));
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.status().code, ErrorCode::invalid_request);
  EXPECT_NE(entry.status().message.find("refusing to download from 127.0.0.1: loopback"), std::string::npos)
      << entry.status().message;
  EXPECT_TRUE(server_.range_headers().empty()) << "no request reached the server";
}

TEST_F(Pull, FollowsRedirectsWithinLimits) {
  auto entry = pull("redirected", server_.url("/redirect/3/tiny.gguf"));
  ASSERT_TRUE(entry.ok()) << entry.status().message;
  EXPECT_EQ(entry->sha256, sha256_hex(content_));

  auto loop = pull("", server_.url("/loop"));
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.status().message.find("too many redirects"), std::string::npos) << loop.status().message;

  auto too_long = pull("x", server_.url("/redirect/6/tiny.gguf"));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message.find("too many redirects"), std::string::npos);
}

TEST_F(Pull, RedirectsAreCheckedAgainEachHop) {
  // Each hop's scheme is checked (its address too, by the same code path as the first hop;
  // tests never send traffic beyond loopback).
  auto ftp = pull("x", server_.url("/ftp"));
  ASSERT_FALSE(ftp.ok());
  EXPECT_EQ(ftp.status().code, ErrorCode::invalid_request);
  EXPECT_NE(ftp.status().message.find("only http and https"), std::string::npos) << ftp.status().message;
}

TEST_F(Pull, UpstreamErrorsAreReported) {
  const std::string url = server_.url("/missing.gguf");
  auto entry = pull("", url);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.status().code, ErrorCode::internal);
  EXPECT_EQ(entry.status().message, "upstream returned HTTP 404 for " + url);
}

TEST_F(Pull, NonGgufContentIsRejected) {
  FileServer text("notes.gguf", "just some text, not a model");
  auto entry = pull("", text.url("/notes.gguf"));
  ASSERT_FALSE(entry.ok());
  EXPECT_NE(entry.status().message.find("not a GGUF file"), std::string::npos) << entry.status().message;
  EXPECT_TRUE(files_in(store_.blobs_dir()).empty());
}

TEST_F(Pull, BadRequestsFailBeforeAnyTraffic) {
  EXPECT_EQ(pull("llama3", "").status().code, ErrorCode::invalid_request);
  EXPECT_EQ(pull("", server_.url("/tiny.gguf"), "abc").status().param, "sha256");
  EXPECT_TRUE(server_.range_headers().empty());
}

} // namespace
} // namespace llmhost::pull
