#include "store/digest.hpp"

#include <array>
#include <fstream>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace llmhost::store {

bool is_sha256_hex(std::string_view hex) {
  if (hex.size() != 64) return false;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Result<std::string> digest_hex(std::string_view digest) {
  constexpr std::string_view prefix = "sha256:";
  if (digest.substr(0, prefix.size()) != prefix || !is_sha256_hex(digest.substr(prefix.size())))
    return Status::error(ErrorCode::invalid_request,
                         "invalid digest: expected \"sha256:\" followed by 64 lowercase hex digits",
                         "digest");
  return std::string(digest.substr(prefix.size()));
}

Result<std::string> sha256_of_stream(std::istream& in) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    if (in.gcount() > 0) engine.update(buffer.data(), static_cast<unsigned>(in.gcount()));
  }
  if (in.bad()) return Status::error(ErrorCode::internal, "read error while hashing");
  return Poco::DigestEngine::digestToHex(engine.digest());
}

Result<std::string> sha256_of_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::error(ErrorCode::internal, "cannot read model file " + file.filename().string());
  return sha256_of_stream(in);
}

} // namespace llmhost::store
