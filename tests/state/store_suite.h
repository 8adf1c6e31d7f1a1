// The contract of ProfileStore and DedupCache as tests that any
// implementation must pass. Include this header in exactly one test file
// of the implementation and instantiate the suites with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Mine, ProfileStoreSuite,
//                            ::testing::Values(&NewMyProfileStore));
//   INSTANTIATE_TEST_SUITE_P(Mine, DedupCacheSuite,
//                            ::testing::Values(&NewMyDedupCache));

#ifndef OFFREGION_TESTS_STATE_STORE_SUITE_H_
#define OFFREGION_TESTS_STATE_STORE_SUITE_H_

#include <map>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "offregion/state.h"

namespace offregion::testing {

using ProfileStoreFactory = std::unique_ptr<ProfileStore> (*)();
using DedupCacheFactory = std::unique_ptr<DedupCache> (*)();

inline absl::Time Hour(int hours) {
  return absl::UnixEpoch() + absl::Hours(hours);
}

class ProfileStoreSuite : public ::testing::TestWithParam<ProfileStoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam()(); }
  std::unique_ptr<ProfileStore> store_;
};

TEST_P(ProfileStoreSuite, UnknownIsInfinitePast) {
  EXPECT_EQ(store_->LastSeenCountry("a|r", "NL"), absl::InfinitePast());
  EXPECT_EQ(store_->LastSeenAsn("a|r", 64501), absl::InfinitePast());
  EXPECT_EQ(store_->size(), 0u);
}

TEST_P(ProfileStoreSuite, RemembersTheLatestTimeOnly) {
  store_->Record("a|r", "NL", 64501, Hour(5));
  store_->Record("a|r", "NL", 64501, Hour(3));
  EXPECT_EQ(store_->LastSeenCountry("a|r", "NL"), Hour(5));
  EXPECT_EQ(store_->LastSeenAsn("a|r", 64501), Hour(5));
  store_->Record("a|r", "NL", 64501, Hour(9));
  EXPECT_EQ(store_->LastSeenCountry("a|r", "NL"), Hour(9));
  EXPECT_EQ(store_->LastSeenCountry("b|r", "NL"), absl::InfinitePast());
}

TEST_P(ProfileStoreSuite, IgnoresEmptyCountryAndZeroAsn) {
  store_->Record("a|r", "", 0, Hour(1));
  EXPECT_EQ(store_->size(), 0u);
  store_->Record("a|r", "", 7, Hour(1));
  EXPECT_EQ(store_->LastSeenCountry("a|r", ""), absl::InfinitePast());
  EXPECT_EQ(store_->LastSeenAsn("a|r", 7), Hour(1));
  EXPECT_EQ(store_->LastSeenAsn("a|r", 0), absl::InfinitePast());
}

TEST_P(ProfileStoreSuite, ExpireDropsOldEntriesAndEmptyIdentities) {
  store_->Record("a|r", "NL", 1, Hour(1));
  store_->Record("a|r", "US", 2, Hour(10));
  store_->Record("b|r", "DE", 3, Hour(2));
  store_->Expire(Hour(5));
  EXPECT_EQ(store_->LastSeenCountry("a|r", "NL"), absl::InfinitePast());
  EXPECT_EQ(store_->LastSeenAsn("a|r", 1), absl::InfinitePast());
  EXPECT_EQ(store_->LastSeenCountry("a|r", "US"), Hour(10));
  EXPECT_EQ(store_->size(), 1u);
}

TEST_P(ProfileStoreSuite, ForEachWalksEveryIdentityOnce) {
  store_->Record("a|r", "NL", 1, Hour(1));
  store_->Record("a|r", "US", 0, Hour(2));
  store_->Record("b|r", "", 3, Hour(3));
  std::map<std::string, ProfileStore::Entries> seen;
  store_->ForEach([&](absl::string_view id, const ProfileStore::Entries& e) {
    EXPECT_TRUE(seen.emplace(std::string(id), e).second);
  });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen["a|r"].countries.size(), 2u);
  EXPECT_EQ(seen["a|r"].asns.size(), 1u);
  EXPECT_EQ(seen["b|r"].countries.size(), 0u);
  ASSERT_EQ(seen["b|r"].asns.size(), 1u);
  EXPECT_EQ(seen["b|r"].asns[0].first, 3u);
  EXPECT_EQ(seen["b|r"].asns[0].second, Hour(3));
}

class DedupCacheSuite : public ::testing::TestWithParam<DedupCacheFactory> {
 protected:
  void SetUp() override { cache_ = GetParam()(); }
  std::unique_ptr<DedupCache> cache_;
};

TEST_P(DedupCacheSuite, PutFindReplace) {
  EXPECT_FALSE(cache_->Find("k").has_value());
  cache_->Put("k", DedupEntry{"oa-1", Severity::kLow, Hour(1)});
  std::optional<DedupEntry> found = cache_->Find("k");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->alert_id, "oa-1");
  EXPECT_EQ(found->severity, Severity::kLow);
  EXPECT_EQ(found->time, Hour(1));
  cache_->Put("k", DedupEntry{"oa-2", Severity::kHigh, Hour(2)});
  EXPECT_EQ(cache_->Find("k")->alert_id, "oa-2");
  EXPECT_EQ(cache_->size(), 1u);
}

TEST_P(DedupCacheSuite, ExpireDropsOlderAlerts) {
  cache_->Put("old", DedupEntry{"oa-1", Severity::kLow, Hour(1)});
  cache_->Put("new", DedupEntry{"oa-2", Severity::kLow, Hour(9)});
  cache_->Expire(Hour(5));
  EXPECT_FALSE(cache_->Find("old").has_value());
  EXPECT_TRUE(cache_->Find("new").has_value());
  EXPECT_EQ(cache_->size(), 1u);
}

TEST_P(DedupCacheSuite, ForEachWalksEveryKeyOnce) {
  cache_->Put("a", DedupEntry{"oa-1", Severity::kLow, Hour(1)});
  cache_->Put("b", DedupEntry{"oa-2", Severity::kHigh, Hour(2)});
  std::map<std::string, std::string> seen;
  cache_->ForEach([&](absl::string_view key, const DedupEntry& e) {
    EXPECT_TRUE(seen.emplace(std::string(key), e.alert_id).second);
  });
  EXPECT_EQ(seen,
            (std::map<std::string, std::string>{{"a", "oa-1"}, {"b", "oa-2"}}));
}

}  // namespace offregion::testing

#endif  // OFFREGION_TESTS_STATE_STORE_SUITE_H_
