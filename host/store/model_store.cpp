// Listing, resolving, copying and removing models. Blobs: model_store_blobs.cpp; create:
// model_store_create.cpp.
#include "store/model_store.hpp"

#include <algorithm>
#include <chrono>
#include <system_error>

#include <spdlog/spdlog.h>

#include "store/rfc3339.hpp"
#include "store/store_paths.hpp"

namespace llmhost::store {

namespace fs = std::filesystem;

namespace {

Status not_found(const ModelRef& ref) {
  return Status::error(ErrorCode::not_found, "model '" + ref.full() + "' not found", "model");
}

bool has_gguf_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".gguf";
}

} // namespace

CreateSpec create_spec(const CreateModelRequest& r) {
  return CreateSpec{r.model, r.from, r.files, r.template_text, r.system, r.parameters};
}

ModelStore::ModelStore(fs::path root, fs::path import_dir) {
  std::error_code ec;
  fs::create_directories(root, ec);
  root_ = canonical_dir(root);
  if (!import_dir.empty()) import_dir_ = canonical_dir(import_dir);
}

fs::path ModelStore::blob_path(std::string_view hex) const {
  return blobs_dir() / ("sha256-" + std::string(hex));
}

fs::path ModelStore::manifest_path(const ModelRef& ref) const {
  return manifests_dir() / fs::path(ref.name) / (ref.tag + ".yaml");
}

std::vector<ModelStore::ManifestFile> ModelStore::scan_manifests() const {
  std::vector<ManifestFile> out;
  std::error_code ec;
  const fs::path dir = manifests_dir();
  if (!fs::is_directory(dir, ec)) return out;
  // Symlinked folders are not followed, so a link cannot pull outside manifests into the store.
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec) || it->path().extension() != ".yaml") continue;
    const fs::path rel = it->path().lexically_relative(dir);
    if (rel.filename().string().starts_with(".")) continue; // temporaries
    auto ref = parse_model_name(rel.parent_path().generic_string() + ":" + rel.stem().string());
    if (!ref) continue;
    out.push_back({std::move(ref.value()), it->path()});
  }
  return out;
}

std::vector<ModelEntry> ModelStore::scan_bare() const {
  std::vector<ModelEntry> out;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(root_, ec)) {
    const fs::path& p = item.path();
    if (!has_gguf_extension(p) || !item.is_regular_file(ec) || !is_inside(root_, p)) continue;
    auto ref = parse_model_name(p.stem().string());
    if (!ref) {
      spdlog::debug("store: skipping {}: not a valid model name", p.filename().string());
      continue;
    }
    ModelEntry e;
    e.ref = std::move(ref.value());
    e.gguf_path = p;
    e.size = item.file_size(ec);
    e.modified = item.last_write_time(ec);
    e.bare = true;
    if (auto hex = cached_sha256(p)) e.sha256 = *hex;
    out.push_back(std::move(e));
  }
  return out;
}

Result<ModelEntry> ModelStore::entry_from_manifest(const ModelRef& ref, const fs::path& file) const {
  auto manifest = read_manifest(file);
  if (!manifest) return manifest.status();
  const Manifest& m = manifest.value();
  auto gguf = resolve_inside(root_, m.gguf, "model '" + ref.full() + "'");
  if (!gguf) return Status::error(ErrorCode::internal, "model '" + ref.full() + "' points outside the store");
  std::error_code ec;
  if (!fs::is_regular_file(gguf.value(), ec))
    return Status::error(ErrorCode::not_found, "model '" + ref.full() + "': its GGUF file is missing", "model");
  ModelEntry e;
  e.ref = ref;
  e.gguf_path = gguf.value();
  e.size = fs::file_size(e.gguf_path, ec);
  e.sha256 = m.sha256;
  if (e.sha256.empty())
    if (auto hex = cached_sha256(e.gguf_path)) e.sha256 = *hex;
  if (auto t = parse_rfc3339(m.modified)) e.modified = to_file_time(*t);
  else e.modified = fs::last_write_time(file, ec);
  e.template_override = m.template_text;
  e.system = m.system;
  e.parameters = m.parameters;
  e.parent = m.parent;
  return e;
}

Result<ModelStore::Found> ModelStore::find(const ModelRef& ref) const {
  // Exact spelling first (one stat), then a case-insensitive scan.
  std::error_code ec;
  if (const fs::path exact = manifest_path(ref); fs::is_regular_file(exact, ec) && is_inside(root_, exact)) {
    auto e = entry_from_manifest(ref, exact);
    if (!e) return e.status();
    return Found{std::move(e.value()), exact};
  }
  const std::string key = ref.key();
  for (const auto& mf : scan_manifests()) {
    if (mf.ref.key() != key) continue;
    auto e = entry_from_manifest(mf.ref, mf.path);
    if (!e) return e.status();
    return Found{std::move(e.value()), mf.path};
  }
  for (auto& bare : scan_bare())
    if (bare.ref.key() == key) return Found{std::move(bare), std::nullopt};
  return not_found(ref);
}

Result<std::vector<ModelEntry>> ModelStore::list() const {
  std::map<std::string, ModelEntry> by_key;
  for (auto& bare : scan_bare()) by_key[bare.ref.key()] = std::move(bare);
  for (const auto& mf : scan_manifests()) {
    auto e = entry_from_manifest(mf.ref, mf.path);
    if (!e) {
      spdlog::warn("store: skipping {}: {}", mf.ref.full(), e.status().message);
      continue;
    }
    by_key[mf.ref.key()] = std::move(e.value()); // a manifest wins over a bare file
  }
  std::vector<ModelEntry> out;
  out.reserve(by_key.size());
  for (auto& [key, entry] : by_key) out.push_back(std::move(entry));
  return out;
}

Result<ModelEntry> ModelStore::resolve(std::string_view name) const {
  auto ref = parse_model_name(name);
  if (!ref) return ref.status();
  auto found = find(ref.value());
  if (!found) return found.status();
  return std::move(found.value().entry);
}

Result<ModelEntry> ModelStore::resolve_cli(std::string_view name_or_path) const {
  const fs::path p(name_or_path);
  std::error_code ec;
  if (has_gguf_extension(p) && fs::is_regular_file(p, ec)) {
    ModelEntry e;
    auto ref = parse_model_name(p.stem().string());
    e.ref = ref ? ref.value() : ModelRef{"model", "latest"};
    e.gguf_path = fs::weakly_canonical(fs::absolute(p), ec);
    e.size = fs::file_size(p, ec);
    e.modified = fs::last_write_time(p, ec);
    e.bare = true;
    return e;
  }
  return resolve(name_or_path);
}

Status ModelStore::write_manifest(const ModelRef& ref, const ModelEntry& entry) {
  if (!is_inside(root_, entry.gguf_path))
    return Status::error(ErrorCode::invalid_request, "model '" + ref.full() + "': its file is not in the store");
  Manifest m;
  m.gguf = fs::weakly_canonical(entry.gguf_path).lexically_relative(root_).generic_string();
  m.sha256 = entry.sha256;
  m.size = entry.size;
  m.modified = to_rfc3339(entry.modified);
  m.template_text = entry.template_override;
  m.system = entry.system;
  m.parameters = entry.parameters;
  m.parent = entry.parent;
  const fs::path target = manifest_path(ref);
  if (!is_inside(root_, target))
    return Status::error(ErrorCode::invalid_request, "model '" + ref.full() + "': invalid manifest location");
  if (Status s = write_manifest_file(target, m); !s) return s;
  // A name that differs only in case is the same model: drop the old spelling.
  std::error_code ec;
  for (const auto& mf : scan_manifests())
    if (mf.ref.key() == ref.key() && !fs::equivalent(mf.path, target, ec)) fs::remove(mf.path, ec);
  return Status::success();
}

Status ModelStore::copy(std::string_view source, std::string_view destination) {
  auto src = parse_model_name(source);
  if (!src) return src.status();
  auto dst = parse_model_name(destination);
  if (!dst) return Status::error(ErrorCode::invalid_request, dst.status().message, "destination");
  std::lock_guard lock(write_mutex_);
  auto found = find(src.value());
  if (!found) return found.status();
  if (src->key() == dst->key()) return Status::success(); // already there
  ModelEntry entry = found.value().entry;
  entry.modified = to_file_time(std::chrono::system_clock::now());
  return write_manifest(dst.value(), entry);
}

Status ModelStore::remove(std::string_view name) {
  auto ref = parse_model_name(name);
  if (!ref) return ref.status();
  std::lock_guard lock(write_mutex_);
  auto found = find(ref.value());
  if (!found) return found.status();
  const ModelEntry& entry = found.value().entry;
  std::error_code ec;

  // Whoever else still uses the same file keeps it alive.
  bool used_elsewhere = false;
  for (const auto& mf : scan_manifests()) {
    if (found.value().manifest && fs::equivalent(mf.path, *found.value().manifest, ec)) continue;
    auto m = read_manifest(mf.path);
    if (!m) continue;
    auto other = resolve_inside(root_, m.value().gguf, "manifest");
    if (other && fs::equivalent(other.value(), entry.gguf_path, ec)) {
      used_elsewhere = true;
      break;
    }
  }

  if (!found.value().manifest) { // a bare file
    if (used_elsewhere)
      return Status::error(ErrorCode::invalid_request,
                           "model '" + entry.ref.full() + "' is used by other models: delete them first", "model");
    if (!fs::remove(entry.gguf_path, ec) || ec)
      return Status::error(ErrorCode::internal, "cannot delete model '" + entry.ref.full() + "'");
  } else {
    const fs::path manifest = *found.value().manifest;
    if (!fs::remove(manifest, ec) || ec)
      return Status::error(ErrorCode::internal, "cannot delete model '" + entry.ref.full() + "'");
    // Tidy empty name folders up to manifests/.
    for (fs::path dir = manifest.parent_path(); dir != manifests_dir() && is_inside(root_, dir);
         dir = dir.parent_path())
      if (!fs::is_empty(dir, ec) || !fs::remove(dir, ec)) break;
    const bool is_blob = entry.gguf_path.parent_path() == fs::weakly_canonical(blobs_dir(), ec);
    if (is_blob && !used_elsewhere) fs::remove(entry.gguf_path, ec);
  }
  std::lock_guard hash_lock(hash_mutex_);
  if (!fs::exists(entry.gguf_path, ec)) hash_cache_.erase(entry.gguf_path.string());
  return Status::success();
}

} // namespace llmhost::store
