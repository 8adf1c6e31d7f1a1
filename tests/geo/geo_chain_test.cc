// Tests of GeoChain (each attribute falls through on its own) and GeoCache
// (bounded, counted, shared by threads).

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "offregion/geo.h"
#include "offregion/network.h"

namespace offregion {
namespace {

IpAddress Addr(const char* text) { return IpAddress::Parse(text).value(); }

std::shared_ptr<const GeoProvider> Table(const char* csv) {
  return std::shared_ptr<const GeoProvider>(GeoTable::Parse(csv).value());
}

// A provider that fails every lookup, or counts them.
class FakeProvider : public GeoProvider {
 public:
  explicit FakeProvider(bool fail) : fail_(fail) {}
  absl::StatusOr<GeoInfo> Lookup(const IpAddress&) const override {
    calls_.fetch_add(1);
    if (fail_) return absl::DataLossError("broken.mmdb: corrupt");
    GeoInfo info;
    info.country = "NL";
    info.asn = 64501;
    info.source = "fake";
    return info;
  }
  absl::string_view name() const override { return "fake"; }
  int calls() const { return calls_.load(); }

 private:
  bool fail_;
  mutable std::atomic<int> calls_{0};
};

TEST(GeoChain, EachAttributeFallsThroughOnItsOwn) {
  GeoChain chain({Table("203.0.113.0/24,NL,,\n"),
                  Table("203.0.113.0/24,DE,64501,EXAMPLE\n")});
  GeoInfo info = chain.Lookup(Addr("203.0.113.9")).value();
  EXPECT_EQ(info.country, "NL");
  EXPECT_EQ(info.asn, 64501u);
  EXPECT_EQ(info.as_org, "EXAMPLE");
  EXPECT_EQ(info.country_source, "geo-table");
  EXPECT_EQ(info.asn_source, "geo-table");
  EXPECT_EQ(info.source, "geo-table");
}

TEST(GeoChain, FirstProviderWins) {
  GeoChain chain(
      {Table("203.0.113.0/24,NL,1,A\n"), Table("203.0.113.0/24,DE,2,B\n")});
  GeoInfo info = chain.Lookup(Addr("203.0.113.9")).value();
  EXPECT_EQ(info.country, "NL");
  EXPECT_EQ(info.asn, 1u);
}

TEST(GeoChain, NoDataAnywhereIsEmpty) {
  GeoChain chain({Table("203.0.113.0/24,NL,1,A\n")});
  GeoInfo info = chain.Lookup(Addr("198.51.100.1")).value();
  EXPECT_EQ(info.country, "");
  EXPECT_EQ(info.asn, 0u);
  EXPECT_EQ(info.source, "");
}

TEST(GeoChain, FailingProviderIsPassedOver) {
  auto broken = std::make_shared<FakeProvider>(true);
  GeoChain chain({broken, Table("203.0.113.0/24,NL,1,A\n")});
  EXPECT_EQ(chain.Lookup(Addr("203.0.113.9")).value().country, "NL");
  GeoChain only_broken({broken});
  EXPECT_EQ(only_broken.Lookup(Addr("203.0.113.9")).status().message(),
            "broken.mmdb: corrupt");
}

TEST(GeoCache, CountsHitsAndMisses) {
  auto inner = std::make_shared<FakeProvider>(false);
  GeoCache cache(inner);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(cache.Lookup(Addr("203.0.113.9")).value().country, "NL");
  }
  cache.Lookup(Addr("2001:db8::1")).value();
  GeoCacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits, 9u);
  EXPECT_EQ(stats.misses, 2u);
  EXPECT_EQ(stats.entries, 2u);
  EXPECT_EQ(inner->calls(), 2);
}

TEST(GeoCache, FailuresAreNotCached) {
  auto inner = std::make_shared<FakeProvider>(true);
  GeoCache cache(inner);
  EXPECT_FALSE(cache.Lookup(Addr("203.0.113.9")).ok());
  EXPECT_FALSE(cache.Lookup(Addr("203.0.113.9")).ok());
  EXPECT_EQ(inner->calls(), 2);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(GeoCache, StaysBounded) {
  GeoCache cache(std::make_shared<FakeProvider>(false), 160);
  for (int i = 0; i < 5000; ++i) {
    cache.Lookup(IpAddress::V4(10, i >> 16, (i >> 8) & 255, i & 255)).value();
  }
  EXPECT_LE(cache.stats().entries, 160u);
  EXPECT_EQ(cache.stats().misses, 5000u);
}

TEST(GeoCache, SharedByThreads) {
  auto inner = std::make_shared<FakeProvider>(false);
  GeoCache cache(inner, 1024);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, &wrong] {
      for (int i = 0; i < 2000; ++i) {
        auto info = cache.Lookup(IpAddress::V4(192, 0, 2, i % 200));
        if (!info.ok() || info->asn != 64501u) wrong.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  GeoCacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits + stats.misses, 8000u);
  EXPECT_GE(stats.misses, 200u);
  EXPECT_EQ(stats.entries, 200u);
}

}  // namespace
}  // namespace offregion
