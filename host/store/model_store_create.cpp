// /api/create: a new manifest from a blob, an imported file or an existing model.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <system_error>

#include "store/digest.hpp"
#include "store/model_store.hpp"
#include "store/parameters.hpp"
#include "store/rfc3339.hpp"
#include "store/store_paths.hpp"

namespace llmhost::store {

namespace fs = std::filesystem;

namespace {

bool is_gguf_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::string_view(magic, 4) == "GGUF";
}

bool ends_with_gguf(std::string_view s) {
  if (s.size() < 5) return false;
  std::string ext(s.substr(s.size() - 5));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".gguf";
}

Status invalid(std::string message, std::string param = {}) {
  return Status::error(ErrorCode::invalid_request, std::move(message), std::move(param));
}

} // namespace

Status ModelStore::base_from_source(const CreateSpec& spec, Manifest& out) {
  std::error_code ec;
  auto from_blob = [&](std::string_view digest, const char* param) -> Status {
    auto hex = digest_hex(digest);
    if (!hex) return invalid(hex.status().message, param);
    auto have = has_blob(digest);
    if (!have || !have.value()) return invalid("blob " + std::string(digest) + " not found: upload it first", param);
    const fs::path blob = blob_path(hex.value());
    if (!is_gguf_file(blob)) return invalid("blob " + std::string(digest) + " is not a GGUF file", param);
    out.gguf = blob.lexically_relative(root_).generic_string();
    out.sha256 = hex.value();
    out.size = fs::file_size(blob, ec);
    return Status::success();
  };

  if (!spec.files.empty()) {
    // The GGUF among the uploaded files (adapters and projectors are not supported yet).
    const auto gguf = std::find_if(spec.files.begin(), spec.files.end(),
                                   [](const auto& f) { return ends_with_gguf(f.first); });
    if (gguf == spec.files.end() && spec.files.size() != 1) return invalid("no .gguf file among 'files'", "files");
    return from_blob(gguf != spec.files.end() ? gguf->second : spec.files.begin()->second, "files");
  }
  if (spec.from.empty()) return invalid("'from' or 'files' is required", "from");
  if (spec.from.starts_with("sha256:")) return from_blob(spec.from, "from");

  if (ends_with_gguf(spec.from)) {
    if (import_dir_.empty()) return invalid("importing files is disabled: no import folder is configured", "from");
    auto source = resolve_inside(import_dir_, spec.from, "from");
    if (!source) return source.status();
    if (!fs::is_regular_file(source.value(), ec) || !is_gguf_file(source.value()))
      return invalid("'" + spec.from.substr(0, 200) + "' is not a GGUF file in the import folder", "from");
    auto hex = import_blob(source.value());
    if (!hex) return hex.status();
    out.gguf = blob_path(hex.value()).lexically_relative(root_).generic_string();
    out.sha256 = hex.value();
    out.size = fs::file_size(blob_path(hex.value()), ec);
    return Status::success();
  }

  auto base_ref = parse_model_name(spec.from);
  if (!base_ref) return invalid(base_ref.status().message, "from");
  auto base = find(base_ref.value());
  if (!base) return base.status();
  const ModelEntry& e = base.value().entry;
  auto hex = sha256_of(e);
  out.gguf = e.gguf_path.lexically_relative(root_).generic_string();
  out.sha256 = hex ? hex.value() : std::string{};
  out.size = e.size;
  out.template_text = e.template_override;
  out.system = e.system;
  out.parameters = e.parameters;
  out.parent = e.ref.full();
  return Status::success();
}

Status ModelStore::create(const CreateSpec& spec) {
  auto ref = parse_model_name(spec.name);
  if (!ref) return ref.status();
  if (Status s = validate_parameters(spec.parameters); !s) return s;
  std::lock_guard lock(write_mutex_);
  Manifest m;
  if (Status s = base_from_source(spec, m); !s) return s;
  if (!spec.template_text.empty()) m.template_text = spec.template_text;
  if (!spec.system.empty()) m.system = spec.system;
  for (const auto& [k, v] : spec.parameters) m.parameters[k] = v;

  ModelEntry entry;
  entry.ref = ref.value();
  entry.gguf_path = root_ / fs::path(m.gguf);
  entry.size = m.size;
  entry.sha256 = m.sha256;
  entry.modified = to_file_time(std::chrono::system_clock::now());
  entry.template_override = m.template_text;
  entry.system = m.system;
  entry.parameters = m.parameters;
  entry.parent = m.parent;
  return write_manifest(entry.ref, entry);
}

} // namespace llmhost::store
