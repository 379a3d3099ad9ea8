#include "store/model_name.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace llmhost::store {

namespace {

enum class Part { host, space, model, tag };

bool is_alnum_or_underscore(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool valid_part(Part kind, std::string_view s) {
  const size_t limit = kind == Part::host ? kMaxHostLength : kMaxPartLength;
  if (s.empty() || s.size() > limit) return false;
  if (!is_alnum_or_underscore(s[0])) return false;
  for (char c : s.substr(1)) {
    if (is_alnum_or_underscore(c) || c == '-' || c == '.') continue;
    if (c == ':' && kind == Part::host) continue; // host:port
    return false;
  }
  return s.find("..") == std::string_view::npos;
}

Status bad_name(std::string_view why) {
  return Status::error(ErrorCode::invalid_request, "invalid model name: " + std::string(why), "model");
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

} // namespace

std::string ModelRef::key() const {
  std::string k = full();
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  return k;
}

Result<ModelRef> parse_model_name(std::string_view text) {
  if (text.empty()) return bad_name("empty");
  if (text.size() > kMaxNameLength) return bad_name("too long");
  if (text.find("..") != std::string_view::npos) return bad_name("'..' is not allowed");
  if (text.front() == '/' || text.front() == '.' || text.front() == '-')
    return bad_name("must start with a letter, digit or '_'");

  // The tag follows the last ':' after the last '/' (a host may carry ':port').
  const size_t slash = text.rfind('/');
  const size_t colon = text.find(':', slash == std::string_view::npos ? 0 : slash + 1);
  std::string_view path = text.substr(0, colon);
  std::string_view tag = colon == std::string_view::npos ? "latest" : text.substr(colon + 1);

  const auto parts = split(path, '/');
  if (parts.size() > 3) return bad_name("too many '/'-separated parts");
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool is_model = i + 1 == parts.size();
    const bool is_host = parts.size() == 3 && i == 0;
    const Part kind = is_model ? Part::model : is_host ? Part::host : Part::space;
    if (!valid_part(kind, parts[i]))
      return bad_name(is_model ? "the model part must be 1-80 of [A-Za-z0-9._-], starting with a letter, digit or '_'"
                               : "each '/'-separated part must be of [A-Za-z0-9._-], starting with a letter, digit or '_'");
  }
  if (!valid_part(Part::tag, tag))
    return bad_name("the tag must be 1-80 of [A-Za-z0-9._-], starting with a letter, digit or '_'");
  return ModelRef{std::string(path), std::string(tag)};
}

} // namespace llmhost::store
