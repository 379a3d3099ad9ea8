// Content-addressed blobs and sha256 bookkeeping of the model store.
#include <array>
#include <fstream>
#include <random>
#include <system_error>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include "store/digest.hpp"
#include "store/model_store.hpp"
#include "store/store_paths.hpp"

namespace llmhost::store {

namespace fs = std::filesystem;

namespace {

std::string temp_name(std::string_view purpose) {
  std::random_device rd;
  return ".tmp-" + std::string(purpose) + "-" + std::to_string(rd()) + std::to_string(rd());
}

// Copies `in` to `out_path` while hashing it. Returns the hex digest.
Result<std::string> copy_and_hash(std::istream& in, const fs::path& out_path) {
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::error(ErrorCode::internal, "cannot create a file in the blob folder");
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    const auto n = in.gcount();
    if (n <= 0) break;
    engine.update(buffer.data(), static_cast<unsigned>(n));
    out.write(buffer.data(), n);
  }
  out.close();
  if (in.bad()) return Status::error(ErrorCode::internal, "read error while receiving the blob");
  if (!out) return Status::error(ErrorCode::internal, "write error while storing the blob");
  return Poco::DigestEngine::digestToHex(engine.digest());
}

} // namespace

std::optional<std::string> ModelStore::cached_sha256(const fs::path& file) const {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return std::nullopt;
  const auto mtime = fs::last_write_time(file, ec);
  std::lock_guard lock(hash_mutex_);
  const auto it = hash_cache_.find(file.string());
  if (it == hash_cache_.end() || it->second.size != size || it->second.mtime != mtime) return std::nullopt;
  return it->second.hex;
}

Result<std::string> ModelStore::sha256_of(const ModelEntry& entry) const {
  if (!entry.sha256.empty()) return entry.sha256;
  // A blob's name is its digest: no need to read it.
  const std::string name = entry.gguf_path.filename().string();
  if (name.starts_with("sha256-") && is_sha256_hex(name.substr(7)) &&
      entry.gguf_path.parent_path() == canonical_dir(blobs_dir()))
    return name.substr(7);
  if (auto hex = cached_sha256(entry.gguf_path)) return *hex;
  std::error_code ec;
  const auto size = fs::file_size(entry.gguf_path, ec);
  const auto mtime = fs::last_write_time(entry.gguf_path, ec);
  if (ec) return Status::error(ErrorCode::not_found, "model '" + entry.ref.full() + "': its file is missing");
  auto hex = sha256_of_file(entry.gguf_path);
  if (!hex) return hex.status();
  std::lock_guard lock(hash_mutex_);
  hash_cache_[entry.gguf_path.string()] = CachedHash{size, mtime, hex.value()};
  return hex;
}

Result<bool> ModelStore::has_blob(std::string_view digest) const {
  auto hex = digest_hex(digest);
  if (!hex) return hex.status();
  const fs::path p = blob_path(hex.value());
  std::error_code ec;
  // A symlink leading out of the store does not count as a blob.
  return fs::is_regular_file(p, ec) && is_inside(root_, p);
}

Status ModelStore::put_blob(std::string_view digest, std::istream& data) {
  auto hex = digest_hex(digest);
  if (!hex) return hex.status();
  std::error_code ec;
  fs::create_directories(blobs_dir(), ec);
  if (ec) return Status::error(ErrorCode::internal, "cannot create the blob folder");
  const fs::path temp = blobs_dir() / temp_name("blob");
  auto actual = copy_and_hash(data, temp);
  if (!actual) {
    fs::remove(temp, ec);
    return actual.status();
  }
  if (actual.value() != hex.value()) {
    fs::remove(temp, ec);
    return Status::error(ErrorCode::invalid_request, "digest mismatch: the data's sha256 is sha256:" + actual.value(),
                         "digest");
  }
  fs::rename(temp, blob_path(hex.value()), ec);
  if (ec) {
    fs::remove(temp, ec);
    return Status::error(ErrorCode::internal, "cannot move the blob into place");
  }
  return Status::success();
}

Result<std::string> ModelStore::import_blob(const fs::path& source) {
  std::ifstream in(source, std::ios::binary);
  if (!in) return Status::error(ErrorCode::invalid_request, "cannot read the file to import", "from");
  std::error_code ec;
  fs::create_directories(blobs_dir(), ec);
  const fs::path temp = blobs_dir() / temp_name("import");
  auto hex = copy_and_hash(in, temp);
  if (!hex) {
    fs::remove(temp, ec);
    return hex.status();
  }
  fs::rename(temp, blob_path(hex.value()), ec);
  if (ec) {
    fs::remove(temp, ec);
    return Status::error(ErrorCode::internal, "cannot move the imported file into place");
  }
  return hex;
}

} // namespace llmhost::store
