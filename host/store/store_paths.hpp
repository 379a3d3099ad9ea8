// Containment of paths derived from client input: everything resolves (symlinks included) to a
// place inside a given root, or is refused. Errors never name absolute paths.
#pragma once

#include <filesystem>
#include <string_view>

#include "llmhost/status.hpp"

namespace llmhost::store {

// True when `p`, with symlinks resolved as far as it exists, lies inside `root` (itself
// canonical). `p` equal to `root` is not inside.
bool is_inside(const std::filesystem::path& canonical_root, const std::filesystem::path& p);

// `relative` joined under `root` and checked: not absolute, no ".." or empty components,
// no backslashes or NULs, and (after resolving symlinks) still inside root. Returns the
// resolved path.
Result<std::filesystem::path> resolve_inside(const std::filesystem::path& canonical_root,
                                             std::string_view relative, std::string_view what);

// The canonical form of a directory that may not exist yet (weakly_canonical of its absolute
// path).
std::filesystem::path canonical_dir(const std::filesystem::path& dir);

} // namespace llmhost::store
