#include "pull/downloader.hpp"

#include <array>
#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include "pull/source.hpp"
#include "store/digest.hpp"
#include "store/rfc3339.hpp"

namespace llmhost::pull {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// One pull per partial file at a time within this process.
class PartialLock {
 public:
  explicit PartialLock(std::string key) : key_(std::move(key)) {
    std::lock_guard lock(mutex());
    held_ = active().insert(key_).second;
  }
  ~PartialLock() {
    if (!held_) return;
    std::lock_guard lock(mutex());
    active().erase(key_);
  }
  PartialLock(const PartialLock&) = delete;
  PartialLock& operator=(const PartialLock&) = delete;
  bool held() const { return held_; }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::set<std::string>& active() {
    static std::set<std::string> s;
    return s;
  }
  std::string key_;
  bool held_ = false;
};

Status cancelled() {
  return Status::error(ErrorCode::cancelled, "pull cancelled; pulling again resumes the download");
}

Status upstream_status(int status, const std::string& url) {
  return Status::error(ErrorCode::internal, "upstream returned HTTP " + std::to_string(status) + " for " + url);
}

// "bytes <first>-<last>/<total>" -> first and total (total 0 when "*").
bool parse_content_range(const std::string& text, uint64_t& first, uint64_t& total) {
  unsigned long long a = 0, b = 0, t = 0;
  char star = 0;
  if (std::sscanf(text.c_str(), "bytes %llu-%llu/%llu", &a, &b, &t) == 3) {
    first = a;
    total = t;
    return true;
  }
  if (std::sscanf(text.c_str(), "bytes %llu-%llu/%c", &a, &b, &star) == 3 && star == '*') {
    first = a;
    total = 0;
    return true;
  }
  return false;
}

bool has_gguf_magic(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, 4> magic{};
  return in.read(magic.data(), magic.size()) && std::string_view(magic.data(), 4) == "GGUF";
}

struct Download {
  const std::string& url;
  const std::string& expected; // hex or empty
  const fs::path& partial;
  const FetchOptions& options;
  const ProgressFn& progress;
  std::string digest_field; // "sha256:<hex>" when known
};

// Streams the body into the partial file (appending when the server honoured the range).
// Returns the sha256 of the whole file.
Result<std::string> fetch_into_partial(const Download& d, bool allow_resume) {
  std::error_code ec;
  uint64_t offset = allow_resume && fs::exists(d.partial, ec) ? fs::file_size(d.partial, ec) : 0;
  if (ec) offset = 0;
  auto opened = open_url(d.url, offset > 0 ? std::optional<uint64_t>(offset) : std::nullopt, d.options);
  if (!opened) return opened.status();
  HttpResponseStream& response = *opened.value();

  uint64_t total = 0;
  if (response.status() == 416 && offset > 0) {
    // The partial file is no prefix of what the server has now: start over.
    fs::remove(d.partial, ec);
    return fetch_into_partial(d, false);
  }
  if (response.status() == 206 && offset > 0) {
    uint64_t first = 0;
    if (!parse_content_range(response.header("Content-Range"), first, total) || first != offset)
      return Status::error(ErrorCode::internal, "upstream answered a resume with an unexpected range for " + response.url());
    if (total == 0 && response.content_length()) total = offset + *response.content_length();
  } else if (response.status() == 200) {
    offset = 0; // the server ignored the range: the whole file comes again
    total = response.content_length().value_or(0);
  } else {
    return upstream_status(response.status(), response.url());
  }

  std::ofstream out(d.partial, std::ios::binary | (offset > 0 ? std::ios::app : std::ios::trunc));
  if (!out) return Status::error(ErrorCode::internal, "cannot write the download into the blob folder");
  const bool hash_while_streaming = offset == 0;
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);

  ProgressEvent event{"downloading", d.digest_field, total, offset};
  if (!d.progress(event)) return cancelled();
  const uint64_t step = std::max<uint64_t>(total / 100, 1);
  uint64_t reported = offset;
  auto reported_at = Clock::now();

  std::array<char, 1 << 16> buffer{};
  std::istream& body = response.body();
  while (body) {
    body.read(buffer.data(), buffer.size());
    const auto n = body.gcount();
    if (n <= 0) break;
    out.write(buffer.data(), n);
    if (!out) return Status::error(ErrorCode::internal, "write error while storing the download");
    if (hash_while_streaming) engine.update(buffer.data(), static_cast<unsigned>(n));
    event.completed += static_cast<uint64_t>(n);
    const auto now = Clock::now();
    if (event.completed - reported >= step || now - reported_at >= std::chrono::milliseconds(250)) {
      reported = event.completed;
      reported_at = now;
      if (!d.progress(event)) return cancelled();
    }
  }
  out.close();
  if (!out) return Status::error(ErrorCode::internal, "write error while storing the download");
  if (body.bad() || (total > 0 && event.completed != total)) {
    return Status::error(ErrorCode::internal, "download from " + response.url() + " stopped after " +
                                                  std::to_string(event.completed) + " of " +
                                                  (total ? std::to_string(total) : std::string("?")) +
                                                  " bytes; pulling again resumes it");
  }
  if (event.total == 0) event.total = event.completed;
  if (reported != event.completed && !d.progress(event)) return cancelled();

  if (!d.progress(ProgressEvent{"verifying sha256 digest", d.digest_field, 0, 0})) return cancelled();
  if (hash_while_streaming) return Poco::DigestEngine::digestToHex(engine.digest());
  return store::sha256_of_file(d.partial);
}

} // namespace

std::string partial_file_name(const std::string& url, const std::string& sha256_hex) {
  if (!sha256_hex.empty()) return "partial-" + sha256_hex;
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(url);
  return "partial-url-" + Poco::DigestEngine::digestToHex(engine.digest());
}

namespace {

Result<store::ModelEntry> pull_unguarded(store::ModelStore& store, const PullModelRequest& request,
                                         const FetchOptions& options, const ProgressFn& progress) {
  auto source = resolve_source(request.model, request.source_url);
  if (!source) return source.status();
  std::string expected = request.sha256;
  if (expected.rfind("sha256:", 0) == 0) expected = expected.substr(7);
  for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!expected.empty() && !store::is_sha256_hex(expected))
    return Status::error(ErrorCode::invalid_request, "invalid sha256: expected 64 hexadecimal digits", "sha256");
  const std::string digest_field = expected.empty() ? "" : "sha256:" + expected;
  if (!progress(ProgressEvent{"pulling manifest", "", 0, 0})) return cancelled();

  std::error_code ec;
  fs::create_directories(store.blobs_dir(), ec);
  if (ec) return Status::error(ErrorCode::internal, "cannot create the store's blob folder");

  std::string hex = expected;
  if (expected.empty() || !fs::exists(store.blob_path(expected), ec)) {
    const fs::path partial = store.blobs_dir() / partial_file_name(source->url, expected);
    PartialLock lock(partial.string());
    if (!lock.held())
      return Status::error(ErrorCode::overloaded, "'" + source->file_name + "' is already being pulled");
    auto fetched = fetch_into_partial(Download{source->url, expected, partial, options, progress, digest_field}, true);
    if (!fetched) return fetched.status();
    hex = fetched.value();
    if (!expected.empty() && hex != expected) {
      fs::remove(partial, ec); // known bad: resuming it could never succeed
      return Status::error(ErrorCode::invalid_request, "sha256 mismatch for " + source->file_name + ": expected " +
                                                           expected + ", got " + hex, "sha256");
    }
    if (!has_gguf_magic(partial)) {
      fs::remove(partial, ec);
      return Status::error(ErrorCode::invalid_request, source->file_name + " is not a GGUF file", "model");
    }
    const fs::path blob = store.blob_path(hex);
    if (fs::exists(blob, ec)) {
      fs::remove(partial, ec);
    } else {
      fs::rename(partial, blob, ec);
      if (ec) return Status::error(ErrorCode::internal, "cannot move the download into the blob folder");
    }
  }

  if (!progress(ProgressEvent{"writing manifest", "", 0, 0})) return cancelled();
  store::ModelEntry entry;
  entry.ref = source->name;
  entry.gguf_path = store.blob_path(hex);
  entry.size = fs::file_size(entry.gguf_path, ec);
  entry.sha256 = hex;
  entry.modified = store::to_file_time(std::chrono::system_clock::now());
  if (Status s = store.write_manifest(source->name, entry); !s) return s;
  auto stored = store.resolve(source->name.full());
  if (!stored) return stored.status();
  progress(ProgressEvent{"success", "", 0, 0});
  return stored.value();
}

} // namespace

Result<store::ModelEntry> pull_model(store::ModelStore& store, const PullModelRequest& request,
                                     const FetchOptions& options, const ProgressFn& progress) {
  // Network code below may throw (malformed headers, socket errors); the boundary returns values.
  try {
    return pull_unguarded(store, request, options, progress);
  } catch (const fs::filesystem_error& e) { // its what() names absolute paths
    return Status::error(ErrorCode::internal, "pull failed: store error: " + e.code().message());
  } catch (const std::exception& e) {
    return Status::error(ErrorCode::internal, std::string("pull failed: ") + e.what());
  }
}

} // namespace llmhost::pull
