// GeoCache: a bounded, sharded cache of address -> answer.

#include <atomic>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "offregion/geo.h"
#include "src/common/mutex.h"

namespace offregion {
namespace {

constexpr size_t kShards = 16;
constexpr size_t kDefaultCapacity = 65536;

}  // namespace

struct GeoCache::Shard {
  mutable internal::Mutex mu;
  absl::flat_hash_map<IpAddress, GeoInfo> answers ABSL_GUARDED_BY(mu);
  size_t capacity = 0;
  mutable std::atomic<uint64_t> hits{0};
  mutable std::atomic<uint64_t> misses{0};
};

GeoCache::GeoCache(std::shared_ptr<const GeoProvider> inner, size_t capacity)
    : inner_(std::move(inner)), shards_(new Shard[kShards]) {
  if (capacity == 0) capacity = kDefaultCapacity;
  for (size_t i = 0; i < kShards; ++i) {
    shards_[i].capacity = std::max<size_t>(1, capacity / kShards);
  }
}

GeoCache::~GeoCache() = default;

absl::StatusOr<GeoInfo> GeoCache::Lookup(const IpAddress& address) const {
  Shard& shard = shards_[absl::HashOf(address) % kShards];
  {
    internal::MutexLock lock(&shard.mu);
    auto it = shard.answers.find(address);
    if (it != shard.answers.end()) {
      shard.hits.fetch_add(1, std::memory_order_relaxed);
      return it->second;
    }
  }
  shard.misses.fetch_add(1, std::memory_order_relaxed);
  absl::StatusOr<GeoInfo> answer = inner_->Lookup(address);
  if (!answer.ok()) return answer;
  internal::MutexLock lock(&shard.mu);
  if (shard.answers.size() >= shard.capacity) {
    // Forget an eighth of the shard; which ones is arbitrary.
    size_t drop = std::max<size_t>(1, shard.capacity / 8);
    for (auto it = shard.answers.begin(); drop > 0 && it != shard.answers.end();
         --drop) {
      shard.answers.erase(it++);
    }
  }
  shard.answers.emplace(address, *answer);
  return answer;
}

GeoCacheStats GeoCache::stats() const {
  GeoCacheStats stats;
  for (size_t i = 0; i < kShards; ++i) {
    stats.hits += shards_[i].hits.load(std::memory_order_relaxed);
    stats.misses += shards_[i].misses.load(std::memory_order_relaxed);
    internal::MutexLock lock(&shards_[i].mu);
    stats.entries += shards_[i].answers.size();
  }
  return stats;
}

}  // namespace offregion
