// Python str operations the filters and string methods share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmhost::tmpl {

std::string to_lower(std::string s);
std::string to_upper(std::string s);
std::string capitalize(const std::string& s);
// str.strip / lstrip / rstrip: whitespace when `chars` is absent.
std::string strip(const std::string& s, const std::optional<std::string>& chars, bool left, bool right);
// str.replace(old, new, count); count < 0 replaces all.
std::string replace_all(const std::string& s, const std::string& from, const std::string& to, int64_t count = -1);
// str.split(sep, maxsplit); no separator splits on runs of whitespace.
std::vector<std::string> split(const std::string& s, const std::optional<std::string>& sep, int64_t maxsplit = -1);
// str.rsplit(sep, maxsplit)
std::vector<std::string> rsplit(const std::string& s, const std::optional<std::string>& sep, int64_t maxsplit = -1);
// str.splitlines()
std::vector<std::string> split_lines(const std::string& s);

} // namespace llmhost::tmpl
