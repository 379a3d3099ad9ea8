// Maps (method, path) to the format plugin route that serves it. Paths match segment by segment;
// "{name}" segments capture one segment. Two plugins claiming the same route is an error.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llmhost/format.hpp"
#include "llmhost/status.hpp"

namespace llmhost::server {

struct RouteEntry {
  Route route;
  FormatPlugin* format = nullptr;
  std::string format_name;
};

struct RouteMatch {
  enum class Kind { found, wrong_method, not_found } kind = Kind::not_found;
  const RouteEntry* entry = nullptr;
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed_methods; // for wrong_method
};

class Router {
 public:
  // Adds every route of `format`. Fails, naming both plugins, when a route is already taken.
  Status add_format(const std::string& name, FormatPlugin& format);
  RouteMatch match(const std::string& method, const std::string& path) const;
  // The format whose path prefixes cover `path` (for errors on unknown routes), or null.
  FormatPlugin* format_for_path(const std::string& path) const;
  const std::vector<RouteEntry>& routes() const { return routes_; }

 private:
  std::vector<RouteEntry> routes_;
  std::vector<std::pair<std::string, FormatPlugin*>> prefixes_;
};

// Splits "/a/b/" into {"a", "b"}.
std::vector<std::string> split_path(const std::string& path);

} // namespace llmhost::server
