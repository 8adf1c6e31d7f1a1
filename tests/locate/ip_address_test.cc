// Tests of IpAddress and IpPrefix: parsing, printing, bits, internal ranges
// and prefix containment.

#include <string>

#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "offregion/network.h"
#include "tests/testing/message_has.h"

namespace offregion {
namespace {

using ::offregion::testing::MessageHas;

IpAddress Addr(const char* text) {
  absl::StatusOr<IpAddress> address = IpAddress::Parse(text);
  EXPECT_TRUE(address.ok()) << text << ": " << address.status();
  return address.value_or(IpAddress());
}

TEST(IpAddress, ParsesIpv4) {
  IpAddress address = Addr("3.80.1.2");
  EXPECT_TRUE(address.is_v4());
  EXPECT_EQ(address.ToString(), "3.80.1.2");
  EXPECT_EQ(address, IpAddress::V4(3, 80, 1, 2));
  const std::array<uint8_t, 16> expected = {0, 0, 0,    0,    0, 0,  0, 0,
                                            0, 0, 0xFF, 0xFF, 3, 80, 1, 2};
  EXPECT_EQ(address.bytes(), expected);
}

TEST(IpAddress, ParsesIpv6ToCanonicalText) {
  IpAddress address = Addr("2600:1F18:0000:0000:0000:0000:0000:0010");
  EXPECT_FALSE(address.is_v4());
  EXPECT_EQ(address.ToString(), "2600:1f18::10");
  EXPECT_EQ(address.bytes()[0], 0x26);
  EXPECT_EQ(address.bytes()[15], 0x10);
}

TEST(IpAddress, MappedIpv6IsIpv4) {
  IpAddress mapped = Addr("::ffff:3.80.1.2");
  EXPECT_TRUE(mapped.is_v4());
  EXPECT_EQ(mapped, Addr("3.80.1.2"));
  EXPECT_EQ(mapped.ToString(), "3.80.1.2");
  EXPECT_EQ(Addr("::FFFF:0350:0102"), IpAddress::V4(3, 80, 1, 2));
}

TEST(IpAddress, CompatibleIpv6StaysIpv6) {
  IpAddress address = Addr("::3.80.1.2");
  EXPECT_FALSE(address.is_v4());
  EXPECT_NE(address, IpAddress::V4(3, 80, 1, 2));
}

TEST(IpAddress, AcceptsZoneIdOnIpv6) {
  IpAddress address = Addr("fe80::1%eth0");
  EXPECT_EQ(address, Addr("fe80::1"));
}

TEST(IpAddress, RejectsJunk) {
  for (const char* text :
       {"", " ", "1.2.3", "300.1.1.1", "1.2.3.4.5", "01.2.3.4",
        "ec2.amazonaws.com", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "1.2.3.4%1",
        "fe80::1%", "2600:1f18::10::1", "2600:1f18:::10", "::ffff:300.1.1.1",
        "1.2.3.4/32", "AWS Internal", "localhost", "-1.2.3.4"}) {
    absl::StatusOr<IpAddress> address = IpAddress::Parse(text);
    EXPECT_EQ(address.status().code(), absl::StatusCode::kInvalidArgument)
        << '"' << text << '"';
  }
}

TEST(IpAddress, RejectsEmbeddedNul) {
  std::string text("1.2.3.4\0junk", 12);
  EXPECT_FALSE(IpAddress::Parse(text).ok());
}

TEST(IpAddress, ErrorNamesTheText) {
  absl::StatusOr<IpAddress> address = IpAddress::Parse("ec2.amazonaws.com");
  EXPECT_TRUE(MessageHas(address.status(), "\"ec2.amazonaws.com\""));
}

TEST(IpAddress, LongJunkIsShortenedInTheError) {
  std::string junk(1000, 'x');
  absl::StatusOr<IpAddress> address = IpAddress::Parse(junk);
  EXPECT_LT(address.status().message().size(), 120u);
  EXPECT_TRUE(MessageHas(address.status(), "...\""));
}

TEST(IpAddress, BitCountsFromTheFamilysFirstBit) {
  IpAddress v4 = IpAddress::V4(0x80, 0, 0, 1);
  EXPECT_TRUE(v4.bit(0));
  EXPECT_FALSE(v4.bit(1));
  EXPECT_FALSE(v4.bit(30));
  EXPECT_TRUE(v4.bit(31));
  IpAddress v6 = Addr("8000::1");
  EXPECT_TRUE(v6.bit(0));
  EXPECT_FALSE(v6.bit(1));
  EXPECT_TRUE(v6.bit(127));
}

TEST(IpAddress, InternalIpv4Ranges) {
  for (const char* text :
       {"10.0.0.0", "10.255.255.255", "172.16.0.1", "172.31.255.255",
        "192.168.1.1", "127.0.0.1", "127.255.0.1", "169.254.169.254",
        "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3",
        "::ffff:10.1.2.3"}) {
    EXPECT_TRUE(Addr(text).IsInternal()) << text;
  }
}

TEST(IpAddress, InternalIpv6Ranges) {
  for (const char* text : {"::1", "::", "fe80::1", "febf:ffff::1", "fc00::1",
                           "fd12:3456::1", "fe80::1%eth0"}) {
    EXPECT_TRUE(Addr(text).IsInternal()) << text;
  }
}

TEST(IpAddress, EdgesOfInternalRangesAreExternal) {
  for (const char* text :
       {"9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0",
        "192.167.255.255", "192.169.0.0", "128.0.0.0", "169.253.255.255",
        "169.255.0.0", "100.63.255.255", "100.128.0.0", "1.0.0.0", "::2",
        "fec0::1", "fbff::1", "fe00::1", "3.80.1.2", "2600:1f18::10"}) {
    EXPECT_FALSE(Addr(text).IsInternal()) << text;
  }
}

TEST(IpAddress, DocumentationRangesAreNotInternal) {
  for (const char* text : {"192.0.2.1", "198.51.100.7", "203.0.113.200",
                           "2001:db8::1", "2001:db8:ffff::1"}) {
    EXPECT_FALSE(Addr(text).IsInternal()) << text;
  }
}

TEST(IpAddress, HashesEqualAddressesEqually) {
  EXPECT_EQ(absl::Hash<IpAddress>()(Addr("::ffff:1.2.3.4")),
            absl::Hash<IpAddress>()(IpAddress::V4(1, 2, 3, 4)));
}

TEST(IpPrefix, ParsesIpv4) {
  absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse("3.80.0.0/12");
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  EXPECT_EQ(prefix->address, IpAddress::V4(3, 80, 0, 0));
  EXPECT_EQ(prefix->length, 12);
}

TEST(IpPrefix, MasksHostBits) {
  absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse("3.80.1.0/12");
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  EXPECT_EQ(prefix->address.ToString(), "3.80.0.0");
  EXPECT_EQ(prefix->length, 12);

  absl::StatusOr<IpPrefix> v6 = IpPrefix::Parse("2600:1f18:ffff::1/33");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->address.ToString(), "2600:1f18:8000::");
  EXPECT_EQ(v6->length, 33);
}

TEST(IpPrefix, BareAddressIsFullLength) {
  EXPECT_EQ(IpPrefix::Parse("1.2.3.4")->length, 32);
  EXPECT_EQ(IpPrefix::Parse("2001:db8::1")->length, 128);
}

TEST(IpPrefix, ZeroLengthHoldsTheWholeFamily) {
  absl::StatusOr<IpPrefix> v4 = IpPrefix::Parse("0.0.0.0/0");
  absl::StatusOr<IpPrefix> v6 = IpPrefix::Parse("::/0");
  ASSERT_TRUE(v4.ok() && v6.ok());
  EXPECT_TRUE(v4->Contains(Addr("255.255.255.255")));
  EXPECT_FALSE(v4->Contains(Addr("2001:db8::1")));
  EXPECT_TRUE(v6->Contains(Addr("2001:db8::1")));
  EXPECT_FALSE(v6->Contains(Addr("1.2.3.4")));
}

TEST(IpPrefix, MappedPrefixIsIpv4) {
  absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse("::ffff:10.0.0.0/104");
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  EXPECT_TRUE(prefix->address.is_v4());
  EXPECT_EQ(prefix->length, 8);
  EXPECT_FALSE(IpPrefix::Parse("::ffff:10.0.0.0/95").ok());
}

TEST(IpPrefix, RejectsBadPrefixes) {
  for (const char* text :
       {"", "/", "/8", "3.80.0.0/", "3.80.0.0/33", "3.80.0.0/-1", "3.80.0.0/+8",
        "3.80.0.0/ 8", "3.80.0.0/8 ", "3.80.0.0/1a", "3.80.0.0/0008",
        "3.80.0.0/8/8", "2600::/129", "300.0.0.0/8", "fe80::%eth0/64",
        "ec2.amazonaws.com/8", "3.80.0.0/99999999999"}) {
    absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(text);
    EXPECT_EQ(prefix.status().code(), absl::StatusCode::kInvalidArgument)
        << '"' << text << '"';
  }
}

TEST(IpPrefix, ErrorNamesTheText) {
  EXPECT_TRUE(
      MessageHas(IpPrefix::Parse("3.80.0.0/33").status(), "\"3.80.0.0/33\""));
}

TEST(IpPrefix, ContainsChecksTheLeadingBits) {
  IpPrefix prefix = *IpPrefix::Parse("3.80.0.0/12");
  EXPECT_TRUE(prefix.Contains(Addr("3.80.0.0")));
  EXPECT_TRUE(prefix.Contains(Addr("3.95.255.255")));
  EXPECT_TRUE(prefix.Contains(Addr("::ffff:3.81.2.3")));
  EXPECT_FALSE(prefix.Contains(Addr("3.96.0.0")));
  EXPECT_FALSE(prefix.Contains(Addr("3.79.255.255")));

  IpPrefix v6 = *IpPrefix::Parse("2600:1f18::/33");
  EXPECT_TRUE(v6.Contains(Addr("2600:1f18:7fff::1")));
  EXPECT_FALSE(v6.Contains(Addr("2600:1f18:8000::1")));
}

TEST(IpPrefix, FamiliesNeverContainEachOther) {
  EXPECT_FALSE(IpPrefix::Parse("::/96")->Contains(Addr("1.2.3.4")));
  EXPECT_FALSE(IpPrefix::Parse("0.0.0.0/0")->Contains(Addr("::1")));
}

TEST(IpPrefix, ContainsIgnoresUnmaskedHostBits) {
  IpPrefix prefix{IpAddress::V4(3, 80, 1, 0), 12};  // built by hand
  EXPECT_TRUE(prefix.Contains(Addr("3.90.0.1")));
}

}  // namespace
}  // namespace offregion
