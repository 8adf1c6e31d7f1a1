// Tests of GeoTable: the CSV format, quoting, longest prefix and the
// errors that name the bad line.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "offregion/geo.h"
#include "offregion/network.h"
#include "tests/testing/message_has.h"

namespace offregion {
namespace {

using ::offregion::testing::MessageHas;

std::unique_ptr<GeoTable> Table(absl::string_view csv) {
  absl::StatusOr<std::unique_ptr<GeoTable>> table = GeoTable::Parse(csv);
  EXPECT_TRUE(table.ok()) << table.status();
  return table.ok() ? std::move(*table) : nullptr;
}

GeoInfo Lookup(const GeoTable& table, const char* address) {
  absl::StatusOr<GeoInfo> info = table.Lookup(*IpAddress::Parse(address));
  EXPECT_TRUE(info.ok()) << info.status();
  return info.value_or(GeoInfo());
}

TEST(GeoTable, ReadsRowsAfterHeader) {
  std::unique_ptr<GeoTable> table = Table(
      "network,country,asn,as_org\n"
      "3.80.0.0/12,US,14618,AMAZON-AES\n");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->size(), 1u);
  GeoInfo info = Lookup(*table, "3.80.1.2");
  EXPECT_EQ(info.country, "US");
  EXPECT_EQ(info.asn, 14618u);
  EXPECT_EQ(info.as_org, "AMAZON-AES");
  EXPECT_EQ(info.source, "geo-table");
  EXPECT_EQ(table->name(), "geo-table");
}

TEST(GeoTable, HeaderIsOptional) {
  std::unique_ptr<GeoTable> table = Table("3.80.0.0/12,US,14618,AMAZON-AES");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->size(), 1u);
  EXPECT_EQ(Lookup(*table, "3.80.1.2").asn, 14618u);
}

TEST(GeoTable, UnknownAddressHasNoFields) {
  std::unique_ptr<GeoTable> table = Table("3.80.0.0/12,US,14618,AMAZON-AES\n");
  ASSERT_NE(table, nullptr);
  GeoInfo info = Lookup(*table, "203.0.113.1");
  EXPECT_EQ(info.country, "");
  EXPECT_EQ(info.asn, 0u);
  EXPECT_EQ(info.as_org, "");
  EXPECT_EQ(info.source, "");
}

TEST(GeoTable, LongestPrefixWins) {
  std::unique_ptr<GeoTable> table = Table(
      "198.51.100.0/24,NL,64501,Wide\n"
      "198.51.100.128/25,BE,64502,Narrow\n"
      "0.0.0.0/0,ZZ,,Anything\n");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(Lookup(*table, "198.51.100.200").as_org, "Narrow");
  EXPECT_EQ(Lookup(*table, "198.51.100.7").as_org, "Wide");
  EXPECT_EQ(Lookup(*table, "192.0.2.1").as_org, "Anything");
  EXPECT_EQ(Lookup(*table, "2001:db8::1").as_org, "");  // other family
}

TEST(GeoTable, QuotedOrganisations) {
  std::unique_ptr<GeoTable> table = Table(
      "198.51.100.0/24,NL,64501,\"Example, Inc.\"\n"
      "203.0.113.0/24,BE,64502,\"The \"\"Quoted\"\" Org\"\n"
      "\"192.0.2.0/24\",\"FR\",\"64503\",\"\"\n");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(Lookup(*table, "198.51.100.1").as_org, "Example, Inc.");
  EXPECT_EQ(Lookup(*table, "203.0.113.1").as_org, "The \"Quoted\" Org");
  GeoInfo quoted_all = Lookup(*table, "192.0.2.1");
  EXPECT_EQ(quoted_all.country, "FR");
  EXPECT_EQ(quoted_all.asn, 64503u);
  EXPECT_EQ(quoted_all.as_org, "");
}

TEST(GeoTable, AsnForms) {
  std::unique_ptr<GeoTable> table = Table(
      "10.1.0.0/16,US,64501,a\n"
      "10.2.0.0/16,US,AS64502,b\n"
      "10.3.0.0/16,US,as64503,c\n"
      "10.4.0.0/16,US,,d\n"
      "10.5.0.0/16,US,4294967295,e\n");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(Lookup(*table, "10.1.0.1").asn, 64501u);
  EXPECT_EQ(Lookup(*table, "10.2.0.1").asn, 64502u);
  EXPECT_EQ(Lookup(*table, "10.3.0.1").asn, 64503u);
  EXPECT_EQ(Lookup(*table, "10.4.0.1").asn, 0u);
  EXPECT_EQ(Lookup(*table, "10.5.0.1").asn, 4294967295u);
}

TEST(GeoTable, CountryIsUpperCasedAndMayBeEmpty) {
  std::unique_ptr<GeoTable> table = Table(
      "10.1.0.0/16,de,3320,DTAG\n"
      "10.2.0.0/16,,3320,DTAG\n");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(Lookup(*table, "10.1.0.1").country, "DE");
  EXPECT_EQ(Lookup(*table, "10.2.0.1").country, "");
}

TEST(GeoTable, ToleratesCrLfBlankLinesBlanksAndByteOrderMark) {
  std::unique_ptr<GeoTable> table = Table(
      "\xEF\xBB\xBFnetwork,country,asn,as_org\r\n"
      "\r\n"
      " 10.1.0.0/16 , US , 64501 , Spaced Org \r\n"
      "2001:db8::/32,DE,64502,\"V6\"\r\n");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->size(), 2u);
  GeoInfo info = Lookup(*table, "10.1.2.3");
  EXPECT_EQ(info.country, "US");
  EXPECT_EQ(info.asn, 64501u);
  EXPECT_EQ(info.as_org, "Spaced Org");
  EXPECT_EQ(Lookup(*table, "2001:db8:1::1").as_org, "V6");
  EXPECT_EQ(Lookup(*table, "::ffff:10.1.2.3").asn, 64501u);
}

TEST(GeoTable, EmptyTextIsAnEmptyTable) {
  std::unique_ptr<GeoTable> table = Table("");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->size(), 0u);
  EXPECT_EQ(Lookup(*table, "1.2.3.4").source, "");
}

TEST(GeoTable, MalformedRowsNameTheirLine) {
  struct Case {
    const char* csv;
    const char* message;
  };
  for (const Case& c : {
           Case{"network,country,asn,as_org\n3.80.0.0/33,US,1,x\n",
                "geo table line 2: "},
           Case{"3.80.0.0/12,US,1\n", "geo table line 1: expected 4"},
           Case{"3.80.0.0/12,US,1,x,y\n", "geo table line 1: expected 4"},
           Case{"\n\n3.80.0.0/12,USA,1,x\n", "geo table line 3: bad country"},
           Case{"3.80.0.0/12,U1,1,x\n", "line 1: bad country"},
           Case{"3.80.0.0/12,US,ASX,x\n", "line 1: bad asn"},
           Case{"3.80.0.0/12,US,-1,x\n", "line 1: bad asn"},
           Case{"3.80.0.0/12,US,4294967296,x\n", "line 1: bad asn"},
           Case{"3.80.0.0/12,US,AS,x\n", "line 1: bad asn"},
           Case{"3.80.0.0/12,US,1,\"open\n", "line 1: unterminated"},
           Case{"3.80.0.0/12,US,1,\"a\"b\n", "line 1: text after"},
           Case{"3.80.0.0/12,US,1,a\"b\n", "line 1: quote inside"},
           Case{"ec2.amazonaws.com,US,1,x\n", "line 1: "},
           Case{"1.0.0.0/8,AU,,\nnetwork,country,asn,as_org\n", "line 2: "},
           Case{"3.80.0.0/12,US,1,a\n3.80.1.0/12,US,2,b\n",
                "line 2: network 3.80.1.0/12 repeats line 1"},
       }) {
    absl::StatusOr<std::unique_ptr<GeoTable>> table = GeoTable::Parse(c.csv);
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument)
        << c.csv;
    EXPECT_TRUE(MessageHas(table.status(), c.message)) << c.csv;
  }
}

TEST(GeoTable, LoadsFile) {
  absl::StatusOr<std::unique_ptr<GeoTable>> table =
      GeoTable::LoadFile(std::string(OFFREGION_TEST_DATA) + "/geo/sample.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ((*table)->size(), 5u);
  EXPECT_EQ(Lookup(**table, "34.210.1.1").country, "US");
  EXPECT_EQ(Lookup(**table, "34.210.1.1").asn, 16509u);
  EXPECT_EQ(Lookup(**table, "198.51.100.1").as_org, "Example, Inc.");
  EXPECT_EQ(Lookup(**table, "198.51.100.129").as_org, "The \"Quoted\" Org");
  EXPECT_EQ(Lookup(**table, "2001:db8::5").country, "DE");
  EXPECT_EQ(Lookup(**table, "2001:db8::5").asn, 0u);
}

TEST(GeoTable, MissingFileIsNotFoundNamingIt) {
  const std::string path = ::testing::TempDir() + "/no-such-geo.csv";
  absl::StatusOr<std::unique_ptr<GeoTable>> table = GeoTable::LoadFile(path);
  EXPECT_EQ(table.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(table.status().message(), path + ": No such file or directory");
}

TEST(GeoTable, BadFileNamesFileAndLine) {
  const std::string path = std::string(OFFREGION_TEST_DATA) + "/geo/bad.csv";
  absl::StatusOr<std::unique_ptr<GeoTable>> table = GeoTable::LoadFile(path);
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageHas(table.status(), path + ": geo table line 3: "));
}

}  // namespace
}  // namespace offregion
