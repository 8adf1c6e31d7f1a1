// Tests of LibLocProvider against Debian's libloc database of 2022-10-29:
// the expected values are what `location lookup ADDRESS` answers.

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "offregion/geo.h"
#include "offregion/network.h"

namespace offregion {
namespace {

class LibLocProviderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<LibLocProvider>> opened =
        LibLocProvider::Open();
    if (opened.ok()) provider_ = opened->release();
  }
  static void TearDownTestSuite() {
    delete provider_;
    provider_ = nullptr;
  }
  void SetUp() override {
    if (provider_ == nullptr) {
      GTEST_SKIP() << "no libloc database at " << LibLocProvider::kDefaultPath;
    }
  }

  static GeoInfo Lookup(const char* address) {
    absl::StatusOr<GeoInfo> info =
        provider_->Lookup(*IpAddress::Parse(address));
    EXPECT_TRUE(info.ok()) << info.status();
    return info.value_or(GeoInfo());
  }

  static LibLocProvider* provider_;
};

LibLocProvider* LibLocProviderTest::provider_ = nullptr;

TEST_F(LibLocProviderTest, CountryWithoutAsn) {
  GeoInfo info = Lookup("1.2.3.4");  // 1.0.0.0/8
  EXPECT_EQ(info.country, "AU");
  EXPECT_EQ(info.asn, 0u);
  EXPECT_EQ(info.as_org, "");
  EXPECT_EQ(info.source, "libloc");
}

TEST_F(LibLocProviderTest, AnycastNetworkKeepsItsCountry) {
  GeoInfo info = Lookup("104.102.221.250");  // 104.64.0.0/10, anycast
  EXPECT_EQ(info.country, "US");
  EXPECT_EQ(info.asn, 20940u);
  EXPECT_EQ(info.as_org, "Akamai International B.V.");
  EXPECT_EQ(info.source, "libloc");
}

TEST_F(LibLocProviderTest, AwsAddresses) {
  GeoInfo east = Lookup("34.234.236.212");  // 34.224.0.0/12
  EXPECT_EQ(east.country, "US");
  EXPECT_EQ(east.asn, 14618u);
  EXPECT_EQ(east.as_org, "AMAZON-AES");

  GeoInfo west = Lookup("18.236.253.47");  // 18.236.0.0/15
  EXPECT_EQ(west.country, "US");
  EXPECT_EQ(west.asn, 16509u);
  EXPECT_EQ(west.as_org, "AMAZON-02");
}

TEST_F(LibLocProviderTest, MappedIpv4IsIpv4) {
  GeoInfo info = Lookup("::ffff:34.234.236.212");
  EXPECT_EQ(info.asn, 14618u);
}

TEST_F(LibLocProviderTest, Ipv6Addresses) {
  GeoInfo google = Lookup("2a00:1450:4001:80b::200e");  // 2a00:1450:4001::/48
  EXPECT_EQ(google.country, "IE");
  EXPECT_EQ(google.asn, 15169u);
  EXPECT_EQ(google.as_org, "GOOGLE");

  GeoInfo aws = Lookup("2600:1f18::10");  // 2600:1f18::/35
  EXPECT_EQ(aws.country, "US");
  EXPECT_EQ(aws.asn, 14618u);
  EXPECT_EQ(aws.as_org, "AMAZON-AES");
}

TEST_F(LibLocProviderTest, UnknownAddressesHaveNoFields) {
  for (const char* address :
       {"10.1.2.3", "192.168.1.1", "192.0.2.1", "::1", "fe80::1"}) {
    GeoInfo info = Lookup(address);
    EXPECT_EQ(info.country, "") << address;
    EXPECT_EQ(info.asn, 0u) << address;
    EXPECT_EQ(info.as_org, "") << address;
    EXPECT_EQ(info.source, "") << address;
  }
}

TEST_F(LibLocProviderTest, ContinentCodesAreNoCountry) {
  GeoInfo europe = Lookup("2.16.0.1");  // 2.16.0.0/13: "EU", AS20940
  EXPECT_EQ(europe.country, "");
  EXPECT_EQ(europe.asn, 20940u);
  GeoInfo asia = Lookup("1.32.192.1");  // 1.32.192.0/24: "AP", AS64050
  EXPECT_EQ(asia.country, "");
  EXPECT_EQ(asia.asn, 64050u);
}

TEST_F(LibLocProviderTest, ConcurrentLookupsAgree) {
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &wrong] {
      const IpAddress address = *IpAddress::Parse("34.234.236.212");
      for (int i = 0; i < 2000; ++i) {
        absl::StatusOr<GeoInfo> info = provider_->Lookup(address);
        if (!info.ok() || info->as_org != "AMAZON-AES") ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(wrong[t], 0) << "thread " << t;
}

TEST(LibLocProvider, NameIsLibloc) {
  absl::StatusOr<std::unique_ptr<LibLocProvider>> provider =
      LibLocProvider::Open();
  if (!provider.ok()) GTEST_SKIP() << provider.status();
  EXPECT_EQ((*provider)->name(), "libloc");
}

TEST(LibLocProvider, MissingFileIsNotFound) {
  const std::string path = ::testing::TempDir() + "/no-such-location.db";
  absl::StatusOr<std::unique_ptr<LibLocProvider>> provider =
      LibLocProvider::Open(path);
  EXPECT_EQ(provider.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(provider.status().message(), path + ": No such file or directory");
}

TEST(LibLocProvider, GarbageFileIsDataLoss) {
  const std::string path = ::testing::TempDir() + "/garbage-location.db";
  {
    std::ofstream garbage(path, std::ios::binary);
    for (int i = 0; i < 4096; ++i) garbage.put(static_cast<char>(i * 37));
  }
  absl::StatusOr<std::unique_ptr<LibLocProvider>> provider =
      LibLocProvider::Open(path);
  EXPECT_EQ(provider.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StartsWith(provider.status().message(),
                               path + ": not a libloc database"))
      << provider.status();
  std::remove(path.c_str());
}

TEST(LibLocProvider, EmptyFileIsDataLoss) {
  const std::string path = ::testing::TempDir() + "/empty-location.db";
  std::ofstream(path).close();
  absl::StatusOr<std::unique_ptr<LibLocProvider>> provider =
      LibLocProvider::Open(path);
  EXPECT_EQ(provider.status().code(), absl::StatusCode::kDataLoss);
  std::remove(path.c_str());
}

TEST(LibLocProvider, DirectoryIsDataLoss) {
  absl::StatusOr<std::unique_ptr<LibLocProvider>> provider =
      LibLocProvider::Open(::testing::TempDir());
  EXPECT_EQ(provider.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace offregion
