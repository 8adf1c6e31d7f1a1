// Tests of the in-memory profile store and dedup cache: answers, expiry
// and the bounds on memory.

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "offregion/state.h"

namespace offregion {
namespace {

absl::Time T(int hours) { return absl::UnixEpoch() + absl::Hours(hours); }

TEST(ProfileStore, RemembersLastSeen) {
  auto store = NewInMemoryProfileStore();
  store->Record("a|role", "NL", 64501, T(1));
  store->Record("a|role", "NL", 64501, T(5));
  store->Record("a|role", "NL", 64501, T(3));  // older: keeps T(5)
  EXPECT_EQ(store->LastSeenCountry("a|role", "NL"), T(5));
  EXPECT_EQ(store->LastSeenAsn("a|role", 64501), T(5));
  EXPECT_EQ(store->LastSeenCountry("a|role", "US"), absl::InfinitePast());
  EXPECT_EQ(store->LastSeenAsn("b|role", 64501), absl::InfinitePast());
}

TEST(ProfileStore, EmptyCountryAndZeroAsnAreNotRecorded) {
  auto store = NewInMemoryProfileStore();
  store->Record("a|role", "", 0, T(1));
  EXPECT_EQ(store->size(), 0u);
  store->Record("a|role", "", 7, T(1));
  EXPECT_EQ(store->LastSeenCountry("a|role", ""), absl::InfinitePast());
  EXPECT_EQ(store->LastSeenAsn("a|role", 7), T(1));
}

TEST(ProfileStore, ExpireDropsOldEntriesAndEmptyIdentities) {
  auto store = NewInMemoryProfileStore();
  store->Record("a|role", "NL", 1, T(1));
  store->Record("a|role", "US", 2, T(10));
  store->Record("b|role", "DE", 3, T(2));
  store->Expire(T(5));
  EXPECT_EQ(store->LastSeenCountry("a|role", "NL"), absl::InfinitePast());
  EXPECT_EQ(store->LastSeenCountry("a|role", "US"), T(10));
  EXPECT_EQ(store->size(), 1u);
}

TEST(ProfileStore, BoundedInIdentities) {
  auto store = NewInMemoryProfileStore(
      {.max_identities = 100, .max_entries_per_identity = 4});
  for (int i = 0; i < 10000; ++i) {
    store->Record(absl::StrCat("id", i), "NL", 1, T(i));
  }
  EXPECT_LE(store->size(), 100u);
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
}

TEST(DedupCache, PutFindExpire) {
  auto cache = NewInMemoryDedupCache();
  EXPECT_FALSE(cache->Find("k").has_value());
  cache->Put("k", DedupEntry{"oa-1", Severity::kLow, T(1)});
  auto found = cache->Find("k");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->alert_id, "oa-1");
  EXPECT_EQ(found->severity, Severity::kLow);
  cache->Put("k", DedupEntry{"oa-2", Severity::kHigh, T(2)});
  EXPECT_EQ(cache->Find("k")->alert_id, "oa-2");
  cache->Expire(T(3));
  EXPECT_FALSE(cache->Find("k").has_value());
}

TEST(DedupCache, Bounded) {
  auto cache = NewInMemoryDedupCache(64);
  for (int i = 0; i < 5000; ++i) {
    cache->Put(absl::StrCat("k", i), DedupEntry{"x", Severity::kLow, T(i)});
  }
  EXPECT_LE(cache->size(), 64u);
  EXPECT_TRUE(cache->Find("k4999").has_value());
}

}  // namespace
}  // namespace offregion
