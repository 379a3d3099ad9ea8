// A model's manifest: manifests/<name>/<tag>.yaml in the store. It names the GGUF (a blob or a
// file relative to the store) and the settings layered on it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "llmhost/status.hpp"

namespace llmhost::store {

struct Manifest {
  std::string gguf;        // "blobs/sha256-<hex>" or a file name relative to the store root
  std::string sha256;      // hex of the GGUF; may be empty (computed when first needed)
  uint64_t size = 0;
  std::string modified;    // RFC 3339
  std::string template_text;
  std::string system;
  std::map<std::string, std::string> parameters;
  std::string parent;      // "name:tag" this model was created from
};

// Errors name only the manifest's file name (never its absolute path).
Result<Manifest> read_manifest(const std::filesystem::path& file);
// Writes to a temporary file beside `file`, then renames it into place (atomic on POSIX).
Status write_manifest_file(const std::filesystem::path& file, const Manifest& manifest);

} // namespace llmhost::store
