// Tests of CloudRanges: the AWS ip-ranges.json format, longest prefix,
// GLOBAL fallback, border groups, families, errors and real snapshots.

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "offregion/network.h"
#include "tests/testing/message_has.h"

namespace offregion {
namespace {

using ::offregion::testing::MessageHas;

// The ranges of the shared case local_zone_and_overlapping_ranges, plus a
// GLOBAL range inside a regional one and an IPv6 catch-all.
constexpr char kRanges[] = R"json({
  "syncToken": "1767225600",
  "createDate": "2026-01-01-00-00-00",
  "prefixes": [
    {"ip_prefix": "3.80.0.0/12", "region": "us-east-1", "service": "AMAZON",
     "network_border_group": "us-east-1"},
    {"ip_prefix": "3.80.0.0/12", "region": "us-east-1", "service": "EC2",
     "network_border_group": "us-east-1"},
    {"ip_prefix": "34.208.0.0/12", "region": "us-west-2", "service": "EC2",
     "network_border_group": "us-west-2"},
    {"ip_prefix": "13.32.0.0/15", "region": "GLOBAL", "service": "CLOUDFRONT",
     "network_border_group": "GLOBAL"},
    {"ip_prefix": "13.32.0.0/15", "region": "GLOBAL", "service": "AMAZON",
     "network_border_group": "GLOBAL"},
    {"ip_prefix": "15.220.0.0/19", "region": "us-west-2", "service": "EC2",
     "network_border_group": "us-west-2-lax-1"},
    {"ip_prefix": "35.180.0.0/16", "region": "eu-west-3", "service": "AMAZON",
     "network_border_group": "eu-west-3"},
    {"ip_prefix": "35.180.0.0/16", "region": "eu-west-3", "service": "EC2",
     "network_border_group": "eu-west-3"},
    {"ip_prefix": "35.180.1.16/29", "region": "eu-west-3",
     "service": "ROUTE53_RESOLVER", "network_border_group": "eu-west-3"},
    {"ip_prefix": "52.94.0.0/16", "region": "us-east-2", "service": "AMAZON",
     "network_border_group": "us-east-2"},
    {"ip_prefix": "52.94.76.0/22", "region": "GLOBAL", "service": "AMAZON",
     "network_border_group": "GLOBAL"}
  ],
  "ipv6_prefixes": [
    {"ipv6_prefix": "2600:1f18::/33", "region": "us-east-1", "service": "EC2",
     "network_border_group": "us-east-1"},
    {"ipv6_prefix": "2a05:d018::/36", "region": "eu-west-1", "service": "EC2",
     "network_border_group": "eu-west-1"},
    {"ipv6_prefix": "::/0", "region": "GLOBAL", "service": "AMAZON",
     "network_border_group": "GLOBAL"}
  ]
})json";

IpAddress Addr(const char* text) { return *IpAddress::Parse(text); }

std::unique_ptr<CloudRanges> Ranges() {
  absl::StatusOr<std::unique_ptr<CloudRanges>> ranges =
      CloudRanges::ParseAws(kRanges);
  EXPECT_TRUE(ranges.ok()) << ranges.status();
  return ranges.ok() ? std::move(*ranges) : CloudRanges::Empty();
}

// Returns "region/service", "none" for the internet.
std::string Where(const CloudRanges& ranges, const char* address) {
  std::optional<CloudLocation> where = ranges.Locate(Addr(address));
  if (!where.has_value()) return "none";
  EXPECT_EQ(where->provider, Provider::kAws) << address;
  return where->region + "/" + where->service;
}

TEST(CloudRanges, CountsDistinctPrefixes) {
  EXPECT_EQ(Ranges()->size(), 11u);  // 14 entries, 3 repeated prefixes
}

TEST(CloudRanges, LocatesRegionalAddress) {
  std::unique_ptr<CloudRanges> ranges = Ranges();
  EXPECT_EQ(Where(*ranges, "3.80.1.2"), "us-east-1/EC2");
  EXPECT_EQ(Where(*ranges, "34.210.7.8"), "us-west-2/EC2");
}

TEST(CloudRanges, LongestPrefixWins) {
  std::unique_ptr<CloudRanges> ranges = Ranges();
  EXPECT_EQ(Where(*ranges, "35.180.1.17"), "eu-west-3/ROUTE53_RESOLVER");
  EXPECT_EQ(Where(*ranges, "35.180.1.24"), "eu-west-3/EC2");
}

TEST(CloudRanges, SpecificServiceBeatsAmazonOnOnePrefix) {
  std::unique_ptr<CloudRanges> ranges = Ranges();
  EXPECT_EQ(Where(*ranges, "3.95.255.255"), "us-east-1/EC2");
  EXPECT_EQ(Where(*ranges, "35.180.200.1"), "eu-west-3/EC2");
  EXPECT_EQ(Where(*ranges, "13.33.0.1"), "/CLOUDFRONT");
}

TEST(CloudRanges, BorderGroupIsIgnored) {
  EXPECT_EQ(Where(*Ranges(), "15.220.1.2"), "us-west-2/EC2");
}

TEST(CloudRanges, GlobalRangeCountsAsProviderWithoutRegion) {
  std::optional<CloudLocation> where = Ranges()->Locate(Addr("13.32.5.6"));
  ASSERT_TRUE(where.has_value());
  EXPECT_EQ(where->provider, Provider::kAws);
  EXPECT_EQ(where->region, "");
}

TEST(CloudRanges, RegionalRangeBeatsLongerGlobalRange) {
  // 52.94.76.0/22 is GLOBAL inside the regional 52.94.0.0/16.
  std::unique_ptr<CloudRanges> ranges = Ranges();
  EXPECT_EQ(Where(*ranges, "52.94.76.5"), "us-east-2/AMAZON");
  EXPECT_EQ(Where(*ranges, "52.94.1.1"), "us-east-2/AMAZON");
}

TEST(CloudRanges, Ipv6Ranges) {
  std::unique_ptr<CloudRanges> ranges = Ranges();
  EXPECT_EQ(Where(*ranges, "2600:1f18:1234::1"), "us-east-1/EC2");
  EXPECT_EQ(Where(*ranges, "2a05:d018::1"), "eu-west-1/EC2");
  EXPECT_EQ(Where(*ranges, "2001:db8::1"), "/AMAZON");  // the ::/0 GLOBAL
}

TEST(CloudRanges, Ipv4NeverMatchesIpv6Prefix) {
  std::unique_ptr<CloudRanges> ranges = Ranges();
  EXPECT_EQ(Where(*ranges, "198.51.100.7"), "none");
  EXPECT_EQ(Where(*ranges, "::ffff:198.51.100.7"), "none");
  EXPECT_EQ(Where(*ranges, "::ffff:3.80.1.2"), "us-east-1/EC2");
}

TEST(CloudRanges, Ipv6NeverMatchesIpv4Prefix) {
  absl::StatusOr<std::unique_ptr<CloudRanges>> ranges = CloudRanges::ParseAws(
      R"({"prefixes": [{"ip_prefix": "0.0.0.0/0", "region": "us-east-1"}]})");
  ASSERT_TRUE(ranges.ok()) << ranges.status();
  EXPECT_EQ(Where(**ranges, "1.2.3.4"), "us-east-1/");
  EXPECT_EQ(Where(**ranges, "::1.2.3.4"), "none");
  EXPECT_EQ(Where(**ranges, "2600:1f18::1"), "none");
}

TEST(CloudRanges, InternetAddressIsNowhere) {
  std::unique_ptr<CloudRanges> ranges = Ranges();
  EXPECT_EQ(Where(*ranges, "203.0.113.9"), "none");
  EXPECT_EQ(Where(*ranges, "10.1.2.3"), "none");
}

TEST(CloudRanges, EmptyLocatesNothing) {
  std::unique_ptr<CloudRanges> ranges = CloudRanges::Empty();
  EXPECT_EQ(ranges->size(), 0u);
  EXPECT_EQ(Where(*ranges, "3.80.1.2"), "none");
  EXPECT_EQ(Where(*ranges, "2600:1f18::1"), "none");
}

TEST(CloudRanges, EitherListMayBeAbsent) {
  absl::StatusOr<std::unique_ptr<CloudRanges>> v6_only =
      CloudRanges::ParseAws(R"({"ipv6_prefixes": [{"ipv6_prefix":
          "2600:1f18::/33", "region": "us-east-1", "service": "EC2"}]})");
  ASSERT_TRUE(v6_only.ok()) << v6_only.status();
  EXPECT_EQ(Where(**v6_only, "2600:1f18::1"), "us-east-1/EC2");

  absl::StatusOr<std::unique_ptr<CloudRanges>> empty_lists =
      CloudRanges::ParseAws(R"({"prefixes": [], "ipv6_prefixes": []})");
  ASSERT_TRUE(empty_lists.ok()) << empty_lists.status();
  EXPECT_EQ((*empty_lists)->size(), 0u);
}

TEST(CloudRanges, RejectsOtherFormats) {
  for (const char* json :
       {"", "not json", "[]", "{}", R"({"prefixes": {}})",
        R"({"prefixes": [1]})", R"({"prefixes": [{"region": "us-east-1"}]})",
        R"({"prefixes": [{"ip_prefix": "3.80.0.0/12"}]})",
        R"({"prefixes": [{"ip_prefix": 3, "region": "us-east-1"}]})",
        R"({"prefixes": [{"ip_prefix": "3.80.0.0/12", "region": ""}]})",
        R"({"prefixes": [{"ip_prefix": "3.80.0.0/12", "region": "x"})"}) {
    absl::StatusOr<std::unique_ptr<CloudRanges>> ranges =
        CloudRanges::ParseAws(json);
    EXPECT_EQ(ranges.status().code(), absl::StatusCode::kInvalidArgument)
        << json;
  }
}

TEST(CloudRanges, BadEntryIsNamed) {
  absl::StatusOr<std::unique_ptr<CloudRanges>> ranges = CloudRanges::ParseAws(
      R"({"prefixes": [
            {"ip_prefix": "3.80.0.0/12", "region": "us-east-1"},
            {"ip_prefix": "3.80.0.0/33", "region": "us-east-1"}]})");
  EXPECT_EQ(ranges.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageHas(ranges.status(), "prefixes[1]"));
  EXPECT_TRUE(MessageHas(ranges.status(), "3.80.0.0/33"));
}

TEST(CloudRanges, RejectsPrefixOfTheWrongFamily) {
  absl::StatusOr<std::unique_ptr<CloudRanges>> v6_in_v4 =
      CloudRanges::ParseAws(R"({"prefixes": [
          {"ip_prefix": "2600:1f18::/33", "region": "us-east-1"}]})");
  EXPECT_TRUE(MessageHas(v6_in_v4.status(), "prefixes[0]"));

  // ::ffff:0:0/96 is the IPv4 space: not an IPv6 range.
  absl::StatusOr<std::unique_ptr<CloudRanges>> mapped =
      CloudRanges::ParseAws(R"({"ipv6_prefixes": [
          {"ipv6_prefix": "::ffff:0:0/96", "region": "us-east-1"}]})");
  EXPECT_EQ(mapped.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageHas(mapped.status(), "ipv6_prefixes[0]"));
}

TEST(CloudRanges, MissingFileIsNotFoundNamingIt) {
  const std::string path = ::testing::TempDir() + "/no-such-ranges.json";
  absl::StatusOr<std::unique_ptr<CloudRanges>> ranges =
      CloudRanges::LoadAwsFile(path);
  EXPECT_EQ(ranges.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ranges.status().message(), path + ": No such file or directory");
}

TEST(CloudRanges, BadFileIsInvalidNamingIt) {
  const std::string path = ::testing::TempDir() + "/bad-ranges.json";
  std::ofstream(path) << "{\"prefixes\": 7}";
  absl::StatusOr<std::unique_ptr<CloudRanges>> ranges =
      CloudRanges::LoadAwsFile(path);
  EXPECT_EQ(ranges.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageHas(ranges.status(), path + ": "));
  std::remove(path.c_str());
}

// Loads a real snapshot, or returns null when it is absent.
std::unique_ptr<CloudRanges> Snapshot(const std::string& path) {
  absl::StatusOr<std::unique_ptr<CloudRanges>> ranges =
      CloudRanges::LoadAwsFile(path);
  if (absl::IsNotFound(ranges.status())) return nullptr;
  EXPECT_TRUE(ranges.ok()) << ranges.status();
  return ranges.ok() ? std::move(*ranges) : nullptr;
}

const std::string kHistory =
    std::string(OFFREGION_SHARED_DIR) + "/data/ip-ranges/aws-history/";

TEST(CloudRanges, Snapshot2018) {
  std::unique_ptr<CloudRanges> ranges =
      Snapshot(kHistory + "ip-ranges_2018-11-27.json");
  if (ranges == nullptr) GTEST_SKIP() << "no shared ip-ranges history";
  EXPECT_EQ(ranges->size(), 1153u);
  EXPECT_EQ(Where(*ranges, "34.234.236.212"), "us-east-1/EC2");
  EXPECT_EQ(Where(*ranges, "104.102.221.250"), "none");
  EXPECT_EQ(Where(*ranges, "13.32.1.1"), "/CLOUDFRONT");
  EXPECT_EQ(Where(*ranges, "2600:1f18::10"), "us-east-1/EC2");
}

TEST(CloudRanges, Snapshot2024) {
  std::unique_ptr<CloudRanges> ranges =
      Snapshot(kHistory + "ip-ranges_2024-08-01.json");
  if (ranges == nullptr) GTEST_SKIP() << "no shared ip-ranges history";
  EXPECT_EQ(ranges->size(), 7308u);
  EXPECT_EQ(Where(*ranges, "18.236.253.47"), "us-west-2/EC2");
}

TEST(CloudRanges, ShippedRanges) {
  absl::StatusOr<std::unique_ptr<CloudRanges>> loaded =
      CloudRanges::LoadAwsFile(std::string(OFFREGION_SOURCE_DIR) +
                               "/data/aws-ip-ranges.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const CloudRanges& ranges = **loaded;
  EXPECT_EQ(ranges.size(), 7308u);  // 10183 entries, 7308 distinct
  EXPECT_EQ(Where(ranges, "18.236.253.47"), "us-west-2/EC2");
  EXPECT_EQ(Where(ranges, "34.234.236.212"), "us-east-1/EC2");
  EXPECT_EQ(Where(ranges, "104.102.221.250"), "none");
  EXPECT_EQ(Where(ranges, "3.5.140.1"), "ap-northeast-2/EC2");
  EXPECT_EQ(Where(ranges, "15.220.0.1"), "us-west-2/EC2");  // us-west-2-pdx-1
  EXPECT_EQ(Where(ranges, "15.230.15.29"), "eu-central-1/AMAZON");  // a /32
  // 15.193.3.0/24 is regional inside the GLOBAL 15.193.0.0/19.
  EXPECT_EQ(Where(ranges, "15.193.3.1"), "ap-southeast-2/EC2");
  EXPECT_EQ(Where(ranges, "15.193.20.1"), "/AMAZON_CONNECT");
  EXPECT_EQ(Where(ranges, "2600:1f14::1"), "us-west-2/EC2");
  EXPECT_EQ(Where(ranges, "2a05:d07a:a000::1"), "eu-south-1/S3");
  EXPECT_EQ(Where(ranges, "2001:db8::1"), "none");
}

}  // namespace
}  // namespace offregion
