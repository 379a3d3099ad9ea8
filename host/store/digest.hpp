// sha256 digests: validation of client-sent "sha256:<hex>" strings and hashing of streams.
#pragma once

#include <filesystem>
#include <istream>
#include <string>
#include <string_view>

#include "llmhost/status.hpp"

namespace llmhost::store {

// True for 64 lowercase hex digits.
bool is_sha256_hex(std::string_view hex);
// The hex part of "sha256:<64 lowercase hex>"; invalid_request for anything else. Pure string
// check: safe to call before the digest is used to form a path.
Result<std::string> digest_hex(std::string_view digest);

// Lowercase hex sha256 of everything left in `in` (bad stream: internal error).
Result<std::string> sha256_of_stream(std::istream& in);
// Lowercase hex sha256 of a file; errors name only the file's base name.
Result<std::string> sha256_of_file(const std::filesystem::path& file);

} // namespace llmhost::store
