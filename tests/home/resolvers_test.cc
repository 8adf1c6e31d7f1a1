// Tests of the inventory and of the detector's own home resolvers.

#include "src/home/resolvers.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "offregion/home.h"

namespace offregion {
namespace {

absl::Time Day(int day) { return absl::UnixEpoch() + absl::Hours(24 * day); }

TEST(Inventory, ParsesWithAndWithoutHeaderAndAccount) {
  auto inventory = Inventory::Parse(
      "compute_id,region\n"
      "i-0fedcba9876543210,eu-central-1\n"
      "orders-fn, eu-west-1 ,111122223333\n");
  ASSERT_TRUE(inventory.ok()) << inventory.status();
  EXPECT_EQ((*inventory)->size(), 2u);
  EXPECT_EQ((*inventory)->Find("9", "i-0fedcba9876543210"), "eu-central-1");
  EXPECT_EQ((*inventory)->Find("111122223333", "orders-fn"), "eu-west-1");
  EXPECT_EQ((*inventory)->Find("444455556666", "orders-fn"), std::nullopt);
}

TEST(Inventory, NormalizesAndChecksRegions) {
  auto inventory = Inventory::Parse("i-1,EU-West-1\n");
  ASSERT_TRUE(inventory.ok()) << inventory.status();
  EXPECT_EQ((*inventory)->Find("", "i-1"), "eu-west-1");
  EXPECT_EQ(Inventory::Parse("i-1,garbage\n").status().message(),
            "inventory line 1: \"garbage\" is not a region name");
  EXPECT_EQ(
      Inventory::Parse("i-1,us-east-1\ni-1,eu-west-1\n").status().message(),
      "inventory line 2: i-1 is already in us-east-1, not eu-west-1");
  EXPECT_TRUE(Inventory::Parse("i-1,us-east-1\ni-1,US-EAST-1\n").ok());
  EXPECT_EQ(internal::NormalizeRegion("us-central1"), "us-central1");
  EXPECT_EQ(internal::NormalizeRegion("eu-west-1\"}"), "");
  EXPECT_EQ(internal::NormalizeRegion("1-east"), "");
}

TEST(Inventory, SkipsAByteOrderMark) {
  auto inventory = Inventory::Parse("\xEF\xBB\xBFi-1,us-east-1\n");
  ASSERT_TRUE(inventory.ok()) << inventory.status();
  EXPECT_EQ((*inventory)->Find("", "i-1"), "us-east-1");
}

TEST(Inventory, RejectsMalformedRow) {
  auto inventory = Inventory::Parse("i-1,us-east-1\nonly-one-field\n");
  EXPECT_EQ(inventory.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(inventory.status().message(),
            "inventory line 2: want compute_id,region[,account], got "
            "\"only-one-field\"");
}

TEST(Inventory, MissingFileNamesIt) {
  auto inventory = Inventory::LoadFile("/no/such/inventory.csv");
  EXPECT_EQ(inventory.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(inventory.status().message(),
            "/no/such/inventory.csv: cannot open inventory file");
}

TEST(IsInstanceId, EightOrSeventeenHexDigits) {
  EXPECT_TRUE(internal::IsInstanceId("i-0a1b2c3d"));
  EXPECT_TRUE(internal::IsInstanceId("i-0317f6c6b66ae9c40"));
  EXPECT_TRUE(internal::IsInstanceId("i-786a3A8B5C0d92eF4"));
  EXPECT_FALSE(internal::IsInstanceId("i-0317f6c6b66ae9c4"));
  EXPECT_FALSE(internal::IsInstanceId("i-0317f6c6b66ae9cxx"));
  EXPECT_FALSE(internal::IsInstanceId("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(internal::IsInstanceId("level1"));
}

TEST(ArnRegion, ReadsTheRegionField) {
  EXPECT_EQ(internal::ArnRegion(
                "arn:aws:lambda:ap-southeast-2:1:function:thumbnailer"),
            "ap-southeast-2");
  EXPECT_EQ(internal::ArnRegion("arn:aws:iam::1:role/x"), "");
  EXPECT_EQ(internal::ArnRegion("not an arn"), "");
}

TEST(RegionFromRecord, MatchesTheSessionsInstance) {
  Event e;
  e.instance_arns = {"arn:aws:ec2:eu-west-1:1:instance/i-0aaaaaaaaaaaaaaaa",
                     "arn:aws:ec2:us-west-2:1:instance/i-0bbbbbbbbbbbbbbbb"};
  EXPECT_EQ(internal::RegionFromRecord(e, IdentityClass::kAwsEc2,
                                       "i-0bbbbbbbbbbbbbbbb"),
            "us-west-2");
  EXPECT_EQ(internal::RegionFromRecord(e, IdentityClass::kAwsEc2,
                                       "i-0cccccccccccccccc"),
            "");
}

TEST(IssuanceTable, LatestIssuanceWins) {
  internal::IssuanceTable table(10);
  table.Add(Issuance{"ec2.amazonaws.com", "1", "arn:aws:iam::1:role/r", "s",
                     "ASIA1", "us-east-1"},
            Day(1));
  table.Add(Issuance{"arn:aws:iam::1:user/sam", "1", "arn:aws:iam::1:role/r",
                     "s", "ASIA2", "eu-west-1"},
            Day(2));
  const auto* issuer = table.FindIssuer("1", "arn:aws:iam::1:role/r", "s");
  ASSERT_NE(issuer, nullptr);
  EXPECT_EQ(issuer->issuer, "arn:aws:iam::1:user/sam");
  const auto* credentials =
      table.FindCredentials("1", "arn:aws:iam::1:role/r", "s");
  ASSERT_NE(credentials, nullptr);
  EXPECT_EQ(credentials->region, "eu-west-1");
  EXPECT_EQ(credentials->access_key_id, "ASIA2");
}

TEST(IssuanceTable, CredentialsExpireBeforeIssuers) {
  internal::IssuanceTable table(10);
  table.Add(Issuance{"ec2.amazonaws.com", "1", "arn:aws:iam::1:role/r", "s",
                     "ASIA1", "us-east-1"},
            Day(1));
  table.Expire(Day(0), Day(2));
  EXPECT_EQ(table.FindCredentials("1", "arn:aws:iam::1:role/r", "s"), nullptr);
  ASSERT_NE(table.FindIssuer("1", "arn:aws:iam::1:role/r", "s"), nullptr);
  table.Expire(Day(3), Day(3));
  EXPECT_EQ(table.FindIssuer("1", "arn:aws:iam::1:role/r", "s"), nullptr);
  EXPECT_EQ(table.size(), 0u);
}

TEST(IssuanceTable, BoundedAndCounted) {
  internal::IssuanceTable table(16);
  for (int i = 0; i < 100; ++i) {
    table.Add(Issuance{"ec2.amazonaws.com", "1", "arn:aws:iam::1:role/r",
                       absl::StrCat("i-", i), "", "us-east-1"},
              Day(i));
  }
  EXPECT_LE(table.size(), 32u);
  EXPECT_EQ(table.evicted(), 200u - table.size());
}

TEST(LearnedRegions, MostFrequentWithinWindow) {
  internal::LearnedRegions learned(10);
  for (int i = 0; i < 5; ++i) learned.Record("1", "i-1", "us-west-2", Day(1));
  for (int i = 0; i < 3; ++i) learned.Record("1", "i-1", "us-east-1", Day(20));
  EXPECT_EQ(learned.MostFrequent("1", "i-1", Day(0)), "us-west-2");
  EXPECT_EQ(learned.MostFrequent("1", "i-1", Day(10)), "us-east-1");
  EXPECT_EQ(learned.MostFrequent("1", "i-2", Day(0)), "");
  learned.Expire(Day(30));
  EXPECT_EQ(learned.size(), 0u);
}

}  // namespace
}  // namespace offregion
