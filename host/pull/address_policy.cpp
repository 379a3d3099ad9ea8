#include "pull/address_policy.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace llmhost::pull {

namespace {

const char* ipv4_kind(const uint8_t* a) {
  const uint32_t v = (uint32_t{a[0]} << 24) | (uint32_t{a[1]} << 16) | (uint32_t{a[2]} << 8) | a[3];
  auto in = [v](uint32_t net, int bits) { return (v >> (32 - bits)) == (net >> (32 - bits)); };
  if (v == 0) return "unspecified";
  if (in(0x00000000, 8)) return "reserved (0.0.0.0/8)";
  if (in(0x7F000000, 8)) return "loopback";
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16)) return "private";
  if (in(0xA9FE0000, 16)) return "link-local";
  if (in(0x64400000, 10)) return "shared (CGNAT)";
  if (in(0xC0000000, 24)) return "reserved (192.0.0.0/24)";
  if (in(0xC6120000, 15)) return "reserved (benchmarking)";
  if (in(0xE0000000, 4)) return "multicast";
  if (in(0xF0000000, 4)) return "reserved (240.0.0.0/4)"; // includes the broadcast address
  return nullptr;
}

const char* ipv6_kind(const uint8_t* a) {
  static constexpr std::array<uint8_t, 10> kZeros{};
  const bool first80_zero = std::memcmp(a, kZeros.data(), kZeros.size()) == 0;
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible form) carry an IPv4 address.
  if (first80_zero && a[10] == 0xFF && a[11] == 0xFF) return ipv4_kind(a + 12);
  if (first80_zero && a[10] == 0 && a[11] == 0) {
    const bool low_zero = a[12] == 0 && a[13] == 0 && a[14] == 0;
    if (low_zero && a[15] == 0) return "unspecified";
    if (low_zero && a[15] == 1) return "loopback";
    return ipv4_kind(a + 12);
  }
  // 64:ff9b::/96, the well-known NAT64 prefix, also reaches an IPv4 address.
  static constexpr std::array<uint8_t, 12> kNat64{0x00, 0x64, 0xFF, 0x9B};
  if (std::memcmp(a, kNat64.data(), kNat64.size()) == 0) return ipv4_kind(a + 12);
  if ((a[0] & 0xFE) == 0xFC) return "private (unique local)";
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return "link-local";
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0) return "private (site-local)";
  if (a[0] == 0xFF) return "multicast";
  return nullptr;
}

} // namespace

const char* non_public_kind(const Poco::Net::IPAddress& address) {
  const auto* bytes = static_cast<const uint8_t*>(address.addr());
  if (address.family() == Poco::Net::IPAddress::IPv4 && address.length() == 4) return ipv4_kind(bytes);
  if (address.length() == 16) return ipv6_kind(bytes);
  return "unknown";
}

Status check_address(const Poco::Net::IPAddress& address, bool allow_private) {
  if (allow_private) return Status::success();
  const char* kind = non_public_kind(address);
  if (!kind) return Status::success();
  return Status::error(ErrorCode::invalid_request,
                       "refusing to download from " + address.toString() + ": " + kind +
                           " address (set models.pull_allow_private to allow it)");
}

} // namespace llmhost::pull
