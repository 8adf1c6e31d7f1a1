// Tests of the in-memory profile store and dedup cache: the shared store
// suite, and the bounds on memory with their eviction counters.

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "offregion/state.h"
#include "tests/state/store_suite.h"

namespace offregion {
namespace {

absl::Time T(int hours) { return absl::UnixEpoch() + absl::Hours(hours); }

std::unique_ptr<ProfileStore> DefaultProfileStore() {
  return NewInMemoryProfileStore();
}
std::unique_ptr<DedupCache> DefaultDedupCache() {
  return NewInMemoryDedupCache();
}

using testing::DedupCacheSuite;
using testing::ProfileStoreSuite;

INSTANTIATE_TEST_SUITE_P(InMemory, ProfileStoreSuite,
                         ::testing::Values(&DefaultProfileStore));
INSTANTIATE_TEST_SUITE_P(InMemory, DedupCacheSuite,
                         ::testing::Values(&DefaultDedupCache));

TEST(ProfileStore, BoundedInIdentities) {
  auto store = NewInMemoryProfileStore(
      {.max_identities = 100, .max_entries_per_identity = 4});
  for (int i = 0; i < 10000; ++i) {
    store->Record(absl::StrCat("id", i), "NL", 1, T(i));
  }
  EXPECT_LE(store->size(), 100u);
  EXPECT_EQ(store->evicted(), 2 * (10000 - store->size()));
  EXPECT_EQ(store->LastSeenCountry("id9999", "NL"), T(9999));
  EXPECT_EQ(store->LastSeenCountry("id0", "NL"), absl::InfinitePast());
}

TEST(ProfileStore, BoundedInEntriesPerIdentity) {
  auto store = NewInMemoryProfileStore(
      {.max_identities = 10, .max_entries_per_identity = 4});
  for (int i = 1; i <= 10; ++i) {
    store->Record("a|role", absl::StrCat("C", i), i, T(i));
  }
  EXPECT_EQ(store->LastSeenAsn("a|role", 10), T(10));
  EXPECT_EQ(store->LastSeenCountry("a|role", "C10"), T(10));
  EXPECT_EQ(store->LastSeenAsn("a|role", 1), absl::InfinitePast());
  EXPECT_EQ(store->LastSeenCountry("a|role", "C8"), absl::InfinitePast());
  EXPECT_EQ(store->evicted(), 16u);
}

TEST(DedupCache, Bounded) {
  auto cache = NewInMemoryDedupCache(64);
  for (int i = 0; i < 5000; ++i) {
    cache->Put(absl::StrCat("k", i), DedupEntry{"x", Severity::kLow, T(i)});
  }
  EXPECT_LE(cache->size(), 64u);
  EXPECT_EQ(cache->evicted(), 5000 - cache->size());
  EXPECT_TRUE(cache->Find("k4999").has_value());
}

}  // namespace
}  // namespace offregion
