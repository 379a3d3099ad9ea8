#include "store/store_paths.hpp"

#include <system_error>

namespace llmhost::store {

namespace fs = std::filesystem;

fs::path canonical_dir(const fs::path& dir) {
  std::error_code ec;
  fs::path abs = fs::absolute(dir, ec);
  if (ec) return dir.lexically_normal();
  fs::path canon = fs::weakly_canonical(abs, ec);
  return ec ? abs.lexically_normal() : canon;
}

bool is_inside(const fs::path& canonical_root, const fs::path& p) {
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(p, ec);
  if (ec) return false;
  auto r = canonical_root.begin();
  auto q = resolved.begin();
  for (; r != canonical_root.end(); ++r, ++q) {
    if (r->empty()) continue; // trailing separator of the root
    if (q == resolved.end() || *q != *r) return false;
  }
  return q != resolved.end();
}

Result<fs::path> resolve_inside(const fs::path& canonical_root, std::string_view relative,
                                std::string_view what) {
  auto refuse = [&](std::string why) {
    return Status::error(ErrorCode::invalid_request, std::string(what) + ": " + why);
  };
  if (relative.empty()) return refuse("empty path");
  if (relative.find('\0') != std::string_view::npos || relative.find('\\') != std::string_view::npos)
    return refuse("invalid characters in path");
  const fs::path rel(relative);
  if (rel.is_absolute() || rel.has_root_name() || relative.front() == '/')
    return refuse("absolute paths are not allowed");
  for (const auto& part : rel)
    if (part == ".." || part == ".") return refuse("'.' and '..' are not allowed in paths");
  const fs::path joined = canonical_root / rel;
  if (!is_inside(canonical_root, joined)) return refuse("path leaves the allowed folder");
  std::error_code ec;
  return fs::weakly_canonical(joined, ec);
}

} // namespace llmhost::store
