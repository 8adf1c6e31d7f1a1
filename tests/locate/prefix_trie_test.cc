// Tests of the internal PrefixTrie: longest match, duplicates and the
// separation of the IPv4 and IPv6 families.

#include "src/locate/prefix_trie.h"

#include <optional>
#include <utility>

#include "gtest/gtest.h"
#include "offregion/network.h"

namespace offregion::internal {
namespace {

IpPrefix Prefix(const char* text) { return *IpPrefix::Parse(text); }
IpAddress Addr(const char* text) { return *IpAddress::Parse(text); }

TEST(PrefixTrie, EmptyFindsNothing) {
  PrefixTrie trie;
  EXPECT_EQ(trie.Find(Addr("1.2.3.4")), std::nullopt);
  EXPECT_EQ(trie.Find(Addr("::1")), std::nullopt);
  EXPECT_EQ(trie.size(), 0u);
}

TEST(PrefixTrie, LongestPrefixWins) {
  PrefixTrie trie;
  trie.Insert(Prefix("35.180.0.0/16"), 1);
  trie.Insert(Prefix("35.180.1.16/29"), 2);
  trie.Insert(Prefix("35.0.0.0/8"), 3);
  EXPECT_EQ(trie.Find(Addr("35.180.1.17")), 2u);
  EXPECT_EQ(trie.Find(Addr("35.180.1.24")), 1u);
  EXPECT_EQ(trie.Find(Addr("35.181.0.1")), 3u);
  EXPECT_EQ(trie.Find(Addr("36.0.0.1")), std::nullopt);
  EXPECT_EQ(trie.size(), 3u);
}

TEST(PrefixTrie, InsertOrderDoesNotMatter) {
  PrefixTrie trie;
  trie.Insert(Prefix("35.180.1.16/29"), 2);
  trie.Insert(Prefix("35.180.0.0/16"), 1);
  EXPECT_EQ(trie.Find(Addr("35.180.1.17")), 2u);
  EXPECT_EQ(trie.Find(Addr("35.180.2.1")), 1u);
}

TEST(PrefixTrie, DuplicateKeepsTheFirstValue) {
  PrefixTrie trie;
  EXPECT_EQ(trie.Insert(Prefix("3.80.0.0/12"), 7), std::make_pair(7u, true));
  EXPECT_EQ(trie.Insert(Prefix("3.80.1.0/12"), 8), std::make_pair(7u, false));
  EXPECT_EQ(trie.Find(Addr("3.80.1.2")), 7u);
  EXPECT_EQ(trie.size(), 1u);
}

TEST(PrefixTrie, FullLengthAndZeroLength) {
  PrefixTrie trie;
  trie.Insert(Prefix("0.0.0.0/0"), 0);
  trie.Insert(Prefix("15.230.15.29/32"), 1);
  trie.Insert(Prefix("2600:1f18::10/128"), 2);
  EXPECT_EQ(trie.Find(Addr("15.230.15.29")), 1u);
  EXPECT_EQ(trie.Find(Addr("15.230.15.28")), 0u);
  EXPECT_EQ(trie.Find(Addr("2600:1f18::10")), 2u);
  EXPECT_EQ(trie.Find(Addr("2600:1f18::11")), std::nullopt);
}

TEST(PrefixTrie, FamiliesAreSeparate) {
  PrefixTrie trie;
  trie.Insert(Prefix("::/0"), 1);
  trie.Insert(Prefix("::ffff:0:0/96"), 2);  // becomes the IPv4 0.0.0.0/0
  trie.Insert(Prefix("10.0.0.0/8"), 3);
  EXPECT_EQ(trie.Find(Addr("2001:db8::1")), 1u);
  EXPECT_EQ(trie.Find(Addr("1.2.3.4")), 2u);
  EXPECT_EQ(trie.Find(Addr("::ffff:10.1.1.1")), 3u);
  EXPECT_EQ(trie.Find(Addr("::10.1.1.1")), 1u);  // IPv4-compatible: IPv6
}

}  // namespace
}  // namespace offregion::internal
