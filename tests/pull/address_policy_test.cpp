// The pull address filter as a unit: addresses are only parsed and judged, never contacted.
#include <gtest/gtest.h>

#include <Poco/Net/IPAddress.h>

#include "pull/address_policy.hpp"

namespace llmhost::pull {
namespace {

struct Case {
  const char* address;
  bool allowed;
};

class AddressPolicy : public ::testing::TestWithParam<Case> {};

TEST_P(AddressPolicy, JudgesAddressWithoutPrivateAccess) {
  const Case c = GetParam();
  const auto ip = Poco::Net::IPAddress::parse(c.address);
  const Status s = check_address(ip, false);
  EXPECT_EQ(s.ok(), c.allowed) << c.address << ": " << s.message;
  if (!c.allowed) {
    EXPECT_EQ(s.code, ErrorCode::invalid_request);
    EXPECT_NE(s.message.find(ip.toString()), std::string::npos) << s.message;
    EXPECT_NE(s.message.find("pull_allow_private"), std::string::npos) << s.message;
  }
  // The configuration switch lets every address through.
  EXPECT_TRUE(check_address(ip, true).ok()) << c.address;
}

INSTANTIATE_TEST_SUITE_P(
    Table, AddressPolicy,
    ::testing::Values(
        // public
        Case{"8.8.8.8", true}, Case{"1.1.1.1", true}, Case{"93.184.216.34", true}, Case{"172.15.255.255", true},
        Case{"172.32.0.1", true}, Case{"100.63.255.255", true}, Case{"100.128.0.1", true},
        Case{"192.169.0.1", true}, Case{"169.253.1.1", true}, Case{"11.0.0.1", true},
        Case{"2001:4860:4860::8888", true}, Case{"2606:4700::1111", true}, Case{"::ffff:8.8.8.8", true},
        // loopback
        Case{"127.0.0.1", false}, Case{"127.255.255.254", false}, Case{"::1", false}, Case{"::ffff:127.0.0.1", false},
        // private
        Case{"10.0.0.1", false}, Case{"10.255.255.255", false}, Case{"172.16.0.1", false}, Case{"172.31.255.255", false},
        Case{"192.168.1.1", false}, Case{"fc00::1", false}, Case{"fd12:3456:789a::1", false},
        Case{"::ffff:10.1.2.3", false}, Case{"::ffff:192.168.0.10", false}, Case{"fec0::1", false},
        // link-local (cloud metadata lives at 169.254.169.254)
        Case{"169.254.169.254", false}, Case{"fe80::1", false}, Case{"febf::1", false},
        Case{"::ffff:169.254.169.254", false},
        // unspecified, multicast, CGNAT, reserved
        Case{"0.0.0.0", false}, Case{"0.1.2.3", false}, Case{"::", false}, Case{"224.0.0.1", false},
        Case{"239.255.255.250", false}, Case{"ff02::1", false}, Case{"100.64.0.1", false},
        Case{"100.127.255.255", false}, Case{"255.255.255.255", false}, Case{"240.0.0.1", false},
        // IPv4 inside other IPv6 forms
        Case{"::127.0.0.1", false}, Case{"64:ff9b::a00:1", false}, Case{"64:ff9b::808:808", true}));

TEST(AddressPolicyKinds, NamesTheReason) {
  EXPECT_STREQ(non_public_kind(Poco::Net::IPAddress::parse("127.0.0.1")), "loopback");
  EXPECT_STREQ(non_public_kind(Poco::Net::IPAddress::parse("::ffff:192.168.0.1")), "private");
  EXPECT_STREQ(non_public_kind(Poco::Net::IPAddress::parse("fe80::1")), "link-local");
  EXPECT_EQ(non_public_kind(Poco::Net::IPAddress::parse("8.8.4.4")), nullptr);
}

} // namespace
} // namespace llmhost::pull
