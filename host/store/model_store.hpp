// The model store: a folder of manifests, content-addressed blobs and bare GGUF files.
//
//   <root>/manifests/<name>/<tag>.yaml   one per model (see manifest.hpp)
//   <root>/blobs/sha256-<64 hex>         GGUF files (and other uploads) by content
//   <root>/<file>.gguf                   bare files, listed as "<file stem>:latest"
//
// Every path derived from client input is resolved (symlinks included) and must stay inside
// the store (or the import folder); error messages never carry absolute paths.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmhost/requests.hpp"
#include "llmhost/status.hpp"
#include "store/manifest.hpp"
#include "store/model_name.hpp"

namespace llmhost::store {

struct ModelEntry {
  ModelRef ref;
  std::filesystem::path gguf_path; // absolute, inside the store (resolve_cli: anywhere)
  uint64_t size = 0;
  std::string sha256;              // hex; empty until known (see ModelStore::sha256_of)
  std::filesystem::file_time_type modified{};
  std::string template_override;
  std::string system;
  std::map<std::string, std::string> parameters;
  std::string parent;
  bool bare = false;               // a top-level .gguf without a manifest
};

// What /api/create asks for. Exactly one source: `files` (uploaded blobs, the .gguf one is
// used), or `from`: "sha256:<hex>" of a blob, a .gguf path relative to the import folder, or
// an existing model's name. Empty template/system inherit the source's; parameters merge
// over the source's.
struct CreateSpec {
  std::string name;
  std::string from;
  std::map<std::string, std::string> files;
  std::string template_text;
  std::string system;
  std::map<std::string, std::string> parameters;
};
CreateSpec create_spec(const CreateModelRequest& request);

class ModelStore {
 public:
  // `root` is created when missing. `import_dir` (optional) is where create may read .gguf
  // files from.
  explicit ModelStore(std::filesystem::path root, std::filesystem::path import_dir = {});

  // All models, sorted by name. Never hashes: sha256 is filled only when known.
  Result<std::vector<ModelEntry>> list() const;
  // A client-sent name (validated; case-insensitive). Manifests win over bare files.
  Result<ModelEntry> resolve(std::string_view name) const;
  // For the CLI: also a path to an existing .gguf file anywhere (never offer this over HTTP).
  Result<ModelEntry> resolve_cli(std::string_view name_or_path) const;

  Status copy(std::string_view source, std::string_view destination);
  // Removes the manifest, and its blob when no other manifest uses it; a bare model's file is
  // deleted (refused while a manifest uses it).
  Status remove(std::string_view name);

  Result<bool> has_blob(std::string_view digest) const;
  // Streams `data` into blobs/ (temporary file, sha256 check, rename). A mismatch is an
  // invalid_request and leaves nothing behind.
  Status put_blob(std::string_view digest, std::istream& data);
  Status create(const CreateSpec& spec);

  // The entry's sha256, computing it when unknown (cached by path, size and mtime).
  Result<std::string> sha256_of(const ModelEntry& entry) const;
  // Writes manifests/<name>/<tag>.yaml for `ref` from `entry` (whose gguf_path must lie in
  // the store); replaces a manifest whose name differs only in case.
  Status write_manifest(const ModelRef& ref, const ModelEntry& entry);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path blobs_dir() const { return root_ / "blobs"; }
  std::filesystem::path manifests_dir() const { return root_ / "manifests"; }
  // blobs/sha256-<hex> for a validated hex digest.
  std::filesystem::path blob_path(std::string_view hex) const;

 private:
  struct Found {
    ModelEntry entry;
    std::optional<std::filesystem::path> manifest; // none for bare files
  };
  struct ManifestFile {
    ModelRef ref;
    std::filesystem::path path;
  };
  struct CachedHash {
    uint64_t size = 0;
    std::filesystem::file_time_type mtime{};
    std::string hex;
  };

  std::vector<ManifestFile> scan_manifests() const;
  std::vector<ModelEntry> scan_bare() const;
  Result<ModelEntry> entry_from_manifest(const ModelRef& ref, const std::filesystem::path& file) const;
  Result<Found> find(const ModelRef& ref) const;
  std::filesystem::path manifest_path(const ModelRef& ref) const;
  std::optional<std::string> cached_sha256(const std::filesystem::path& file) const;
  Result<std::string> import_blob(const std::filesystem::path& source);
  Status base_from_source(const CreateSpec& spec, Manifest& out);

  std::filesystem::path root_;
  std::filesystem::path import_dir_;
  mutable std::mutex hash_mutex_;
  mutable std::map<std::string, CachedHash> hash_cache_; // by absolute path
  std::mutex write_mutex_;                               // serializes changes to the store
};

} // namespace llmhost::store
