#include "server/router.hpp"

#include <algorithm>

namespace llmhost::server {
namespace {

bool is_param(const std::string& seg) { return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}'; }

// Whether two route patterns can match the same path.
bool patterns_overlap(const std::string& a, const std::string& b) {
  const auto sa = split_path(a), sb = split_path(b);
  if (sa.size() != sb.size()) return false;
  for (size_t i = 0; i < sa.size(); ++i)
    if (!is_param(sa[i]) && !is_param(sb[i]) && sa[i] != sb[i]) return false;
  return true;
}

bool match_pattern(const std::string& pattern, const std::vector<std::string>& segs,
                   std::map<std::string, std::string>& params) {
  const auto ps = split_path(pattern);
  if (ps.size() != segs.size()) return false;
  std::map<std::string, std::string> captured;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (is_param(ps[i]))
      captured[ps[i].substr(1, ps[i].size() - 2)] = segs[i];
    else if (ps[i] != segs[i])
      return false;
  }
  params = std::move(captured);
  return true;
}

} // namespace

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

Status Router::add_format(const std::string& name, FormatPlugin& format) {
  std::vector<Route> routes;
  std::vector<std::string> prefixes;
  try {
    routes = format.routes();
    prefixes = format.path_prefixes();
  } catch (const std::exception& e) {
    return Status::error(ErrorCode::internal, "format plugin '" + name + "' threw listing its routes: " + e.what());
  }
  for (const auto& r : routes) {
    if (r.path.empty() || r.path[0] != '/')
      return Status::error(ErrorCode::invalid_request, "format plugin '" + name + "' has an invalid route path '" + r.path + "'");
    for (const auto& existing : routes_) {
      if (existing.route.method == r.method && patterns_overlap(existing.route.path, r.path))
        return Status::error(ErrorCode::invalid_request,
                             "route conflict: " + r.method + " " + r.path + " is claimed by format plugins '" +
                                 existing.format_name + "' (" + existing.route.path + ") and '" + name + "'");
    }
    routes_.push_back({r, &format, name});
  }
  for (auto& p : prefixes) prefixes_.emplace_back(p, &format);
  // Longest prefix first so the most specific format answers.
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return Status::success();
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
  RouteMatch m;
  const auto segs = split_path(path);
  // Literal routes win over parameterised ones: try exact matches first.
  const RouteEntry* best = nullptr;
  int best_params = 1 << 30;
  std::map<std::string, std::string> best_captured;
  for (const auto& e : routes_) {
    std::map<std::string, std::string> captured;
    if (!match_pattern(e.route.path, segs, captured)) continue;
    if (e.route.method != method) {
      if (std::find(m.allowed_methods.begin(), m.allowed_methods.end(), e.route.method) == m.allowed_methods.end())
        m.allowed_methods.push_back(e.route.method);
      continue;
    }
    const int n = static_cast<int>(captured.size());
    if (n < best_params) {
      best = &e;
      best_params = n;
      best_captured = std::move(captured);
    }
  }
  if (best) {
    m.kind = RouteMatch::Kind::found;
    m.entry = best;
    m.params = std::move(best_captured);
  } else if (!m.allowed_methods.empty()) {
    m.kind = RouteMatch::Kind::wrong_method;
  }
  return m;
}

FormatPlugin* Router::format_for_path(const std::string& path) const {
  for (const auto& [prefix, fmt] : prefixes_)
    if (path.rfind(prefix, 0) == 0 || path + "/" == prefix) return fmt;
  return nullptr;
}

} // namespace llmhost::server
