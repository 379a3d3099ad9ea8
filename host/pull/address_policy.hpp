// Which network addresses a pull may connect to. A server that fetches URLs for its clients
// must not become a way into its own network (SSRF): loopback, private, link-local and other
// non-public ranges are refused unless the configuration allows them.
#pragma once

#include <Poco/Net/IPAddress.h>

#include "llmhost/status.hpp"

namespace llmhost::pull {

// ok, or invalid_request naming the address and why it is refused. IPv4-mapped and
// IPv4-compatible IPv6 addresses are judged by the IPv4 address they carry.
Status check_address(const Poco::Net::IPAddress& address, bool allow_private);

// The reason `address` is not public ("loopback", "private", ...), or nullptr when it is.
const char* non_public_kind(const Poco::Net::IPAddress& address);

} // namespace llmhost::pull
