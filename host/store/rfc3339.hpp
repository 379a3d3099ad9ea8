// RFC 3339 timestamps for manifests and API results.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace llmhost::store {

// "2024-05-01T12:34:56.123456789Z" (UTC, nanoseconds when non-zero).
std::string to_rfc3339(std::chrono::system_clock::time_point t);
std::string to_rfc3339(std::filesystem::file_time_type t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" ('t'/' ' and 'z' too).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

std::filesystem::file_time_type to_file_time(std::chrono::system_clock::time_point t);

} // namespace llmhost::store
