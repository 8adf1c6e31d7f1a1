// Lookups per second of each geo/ASN provider, uncached, and through the
// GeoCache at a realistic hit rate.
//
// Real trails repeat a small set of addresses: a few thousand distinct
// sources in millions of records. BM_Provider measures each provider on
// addresses that never repeat (every lookup reaches the database);
// BM_CachedLibLoc draws from a pool so that about 90% of lookups repeat,
// and BM_CachedAllHits measures the cache alone. Every run checks that the
// lookups it counted answered.

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "offregion/geo.h"
#include "offregion/network.h"

namespace offregion {
namespace {

constexpr char kTestData[] = OFFREGION_SOURCE_DIR "/tests/data/maxmind/";

std::vector<IpAddress> RandomAddresses(size_t count, uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<IpAddress> addresses;
  addresses.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const uint32_t v = random();
    addresses.push_back(IpAddress::V4(v >> 24, v >> 16, v >> 8, v));
  }
  return addresses;
}

std::shared_ptr<const GeoProvider> OpenProvider(int which) {
  switch (which) {
    case 0:
      return GeoTable::Parse(
                 "1.0.0.0/8,AU,13335,CLOUDFLARE\n"
                 "81.2.69.0/24,GB,20712,ANDREWS\n"
                 "89.160.20.0/24,SE,29518,Bredband2 AB\n")
          .value();
    case 1:
      return MaxMindProvider::Open(
                 absl::StrCat(kTestData, "GeoIP2-City-Test.mmdb"))
          .value();
    case 2:
      return MaxMindProvider::Open(
                 absl::StrCat(kTestData, "GeoLite2-ASN-Test.mmdb"))
          .value();
    default:
      return LibLocProvider::Open().value();
  }
}

void RunLookups(benchmark::State& state, const GeoProvider& provider,
                const std::vector<IpAddress>& addresses) {
  size_t i = 0, failed = 0;
  for (auto _ : state) {
    auto info = provider.Lookup(addresses[i++ % addresses.size()]);
    failed += !info.ok();
    benchmark::DoNotOptimize(info);
  }
  if (failed > 0) state.SkipWithError("lookups failed");
  state.SetItemsProcessed(state.iterations());
}

void BM_Provider(benchmark::State& state) {
  auto provider = OpenProvider(static_cast<int>(state.range(0)));
  state.SetLabel(std::string(provider->name()));
  RunLookups(state, *provider, RandomAddresses(1 << 16, 1));
}
BENCHMARK(BM_Provider)->DenseRange(0, 3);

// Nine lookups in ten draw from a pool of 1,000 addresses; the tenth is an
// address never seen before.
void BM_CachedLibLoc(benchmark::State& state) {
  GeoCache cache(OpenProvider(3));
  const std::vector<IpAddress> pool = RandomAddresses(1000, 2);
  std::mt19937 random(3);
  size_t i = 0, failed = 0;
  for (auto _ : state) {
    const uint32_t v = random();
    const IpAddress address = ++i % 10 == 0
                                  ? IpAddress::V4(v >> 24, v >> 16, v >> 8, v)
                                  : pool[v % pool.size()];
    auto info = cache.Lookup(address);
    failed += !info.ok();
    benchmark::DoNotOptimize(info);
  }
  if (failed > 0) state.SkipWithError("lookups failed");
  state.SetItemsProcessed(state.iterations());
  GeoCacheStats stats = cache.stats();
  state.counters["hit_rate"] =
      static_cast<double>(stats.hits) / (stats.hits + stats.misses);
}
BENCHMARK(BM_CachedLibLoc);

void BM_CachedAllHits(benchmark::State& state) {
  GeoCache cache(OpenProvider(3));
  std::vector<IpAddress> pool = RandomAddresses(100, 4);
  for (const IpAddress& a : pool) cache.Lookup(a).value();
  RunLookups(state, cache, pool);
}
BENCHMARK(BM_CachedAllHits);

}  // namespace
}  // namespace offregion

BENCHMARK_MAIN();
