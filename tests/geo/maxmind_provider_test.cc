// Tests of MaxMindProvider against MaxMind's test databases (the expected
// values are those of their JSON source data) and small hand-made ones.

#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "offregion/geo.h"
#include "offregion/network.h"
#include "tests/testing/message_has.h"

namespace offregion {
namespace {

using ::offregion::testing::MessageHas;

std::string TestDb(absl::string_view name) {
  return absl::StrCat(OFFREGION_TEST_DATA, "/maxmind/", name);
}

std::unique_ptr<MaxMindProvider> OpenOrDie(const std::string& path) {
  absl::StatusOr<std::unique_ptr<MaxMindProvider>> provider =
      MaxMindProvider::Open(path);
  EXPECT_TRUE(provider.ok()) << provider.status();
  return provider.ok() ? *std::move(provider) : nullptr;
}

GeoInfo LookupOrDie(const MaxMindProvider& provider, absl::string_view text) {
  absl::StatusOr<IpAddress> address = IpAddress::Parse(text);
  EXPECT_TRUE(address.ok()) << address.status();
  absl::StatusOr<GeoInfo> info = provider.Lookup(*address);
  EXPECT_TRUE(info.ok()) << text << ": " << info.status();
  return info.value_or(GeoInfo());
}

std::string WriteTempFile(absl::string_view name, absl::string_view bytes) {
  std::string path = absl::StrCat(::testing::TempDir(), name);  // ends in /
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void ExpectEmpty(const GeoInfo& info) {
  EXPECT_EQ(info.country, "");
  EXPECT_EQ(info.asn, 0u);
  EXPECT_EQ(info.as_org, "");
  EXPECT_EQ(info.city, "");
  EXPECT_FALSE(info.has_location);
  EXPECT_EQ(info.source, "");
  EXPECT_EQ(info.country_source, "");
  EXPECT_EQ(info.asn_source, "");
}

// --- A writer of small MaxMind DB files (format version 2.0). ---

// A control byte (and extended type byte) for `type` with `size`.
std::string Control(int type, size_t size) {
  std::string out;
  int first_type = type > 7 ? 0 : type;
  if (size < 29) {
    out.push_back(static_cast<char>((first_type << 5) | size));
  } else {  // REQUIRES: size < 285
    out.push_back(static_cast<char>((first_type << 5) | 29));
  }
  if (type > 7) out.push_back(static_cast<char>(type - 7));
  if (size >= 29) out.push_back(static_cast<char>(size - 29));
  return out;
}

std::string BigEndian(uint64_t value, int bytes) {
  std::string out;
  for (int i = bytes - 1; i >= 0; --i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
  return out;
}

std::string Str(absl::string_view text) {
  return absl::StrCat(Control(2, text.size()), text);
}
std::string Uint(int type, uint64_t value, int bytes) {
  return Control(type, bytes) + BigEndian(value, bytes);
}
std::string U16(uint16_t value) { return Uint(5, value, 2); }
std::string U32(uint32_t value) { return Uint(6, value, 4); }
std::string U64(uint64_t value) { return Uint(9, value, 8); }
std::string Double(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return Control(3, 8) + BigEndian(bits, 8);
}
std::string Map(const std::vector<std::pair<std::string, std::string>>& map) {
  std::string out = Control(7, map.size());
  for (const auto& [key, value] : map) out += Str(key) + value;
  return out;
}
std::string Array(const std::vector<std::string>& items) {
  std::string out = Control(11, items.size());
  for (const std::string& item : items) out += item;
  return out;
}

// A database of a complete search tree of depth log2(records.size())
// (24-bit records): the k-th network of that size, counted from the
// lowest address, holds records[k], or nothing when that is "".
std::string Database(absl::string_view type, int ip_version,
                     const std::vector<std::string>& records) {
  uint32_t leaves = static_cast<uint32_t>(records.size());  // power of 2
  uint32_t node_count = leaves - 1;
  std::string data;
  std::vector<uint32_t> record_values;
  for (const std::string& record : records) {
    record_values.push_back(record.empty() ? node_count
                                           : node_count + 16 + data.size());
    data += record;
  }
  std::string tree;
  for (uint32_t node = 0; node < node_count; ++node) {
    for (uint32_t child : {2 * node + 1, 2 * node + 2}) {
      uint32_t value =
          child < node_count ? child : record_values[child - node_count];
      tree += BigEndian(value, 3);
    }
  }
  std::string metadata = Map({
      {"binary_format_major_version", U16(2)},
      {"binary_format_minor_version", U16(0)},
      {"build_epoch", U64(1700000000)},
      {"database_type", Str(type)},
      {"description", Map({{"en", Str("offregion test")}})},
      {"ip_version", U16(static_cast<uint16_t>(ip_version))},
      {"languages", Array({Str("en")})},
      {"node_count", U32(node_count)},
      {"record_size", U16(24)},
  });
  return absl::StrCat(tree, std::string(16, '\0'), data,
                      "\xab\xcd\xefMaxMind.com", metadata);
}

std::string CountryRecord(absl::string_view field, absl::string_view code) {
  return Map({{std::string(field), Map({{"iso_code", Str(code)}})}});
}

// --- MaxMind's test databases. ---

TEST(MaxMindProvider, CityDatabaseGivesCountryCityAndLocation) {
  std::unique_ptr<MaxMindProvider> city =
      OpenOrDie(TestDb("GeoIP2-City-Test.mmdb"));
  ASSERT_NE(city, nullptr);
  EXPECT_EQ(city->database_type(), "GeoIP2-City");
  EXPECT_EQ(city->name(), "maxmind:GeoIP2-City");
  EXPECT_TRUE(city->has_country());
  EXPECT_FALSE(city->has_asn());

  GeoInfo milton = LookupOrDie(*city, "216.160.83.56");
  EXPECT_EQ(milton.country, "US");  // registered_country is GB
  EXPECT_EQ(milton.city, "Milton");
  EXPECT_TRUE(milton.has_location);
  EXPECT_DOUBLE_EQ(milton.latitude, 47.2513);
  EXPECT_DOUBLE_EQ(milton.longitude, -122.3149);
  EXPECT_EQ(milton.asn, 0u);
  EXPECT_EQ(milton.source, "maxmind:GeoIP2-City");
  EXPECT_EQ(milton.country_source, "maxmind:GeoIP2-City");
  EXPECT_EQ(milton.asn_source, "");

  GeoInfo london = LookupOrDie(*city, "81.2.69.142");
  EXPECT_EQ(london.country, "GB");  // registered_country is US
  EXPECT_EQ(london.city, "London");
  EXPECT_DOUBLE_EQ(london.latitude, 51.5142);
  EXPECT_DOUBLE_EQ(london.longitude, -0.0931);

  GeoInfo linkoping = LookupOrDie(*city, "89.160.20.112");
  EXPECT_EQ(linkoping.country, "SE");
  EXPECT_EQ(linkoping.city, "Link\xc3\xb6ping");
  EXPECT_DOUBLE_EQ(linkoping.latitude, 58.4167);

  GeoInfo changchun = LookupOrDie(*city, "175.16.199.0");
  EXPECT_EQ(changchun.country, "CN");
  EXPECT_EQ(changchun.city, "Changchun");
  EXPECT_DOUBLE_EQ(changchun.longitude, 125.3228);
}

TEST(MaxMindProvider, CityDatabaseAnswersIpv6) {
  std::unique_ptr<MaxMindProvider> city =
      OpenOrDie(TestDb("GeoIP2-City-Test.mmdb"));
  ASSERT_NE(city, nullptr);

  GeoInfo san_diego = LookupOrDie(*city, "2001:480:10::1");  // /48
  EXPECT_EQ(san_diego.country, "US");
  EXPECT_EQ(san_diego.city, "San Diego");
  EXPECT_DOUBLE_EQ(san_diego.latitude, 32.7203);
  EXPECT_DOUBLE_EQ(san_diego.longitude, -117.1552);

  GeoInfo japan = LookupOrDie(*city, "2001:218::1");  // /32, no city
  EXPECT_EQ(japan.country, "JP");
  EXPECT_EQ(japan.city, "");
  EXPECT_TRUE(japan.has_location);
  EXPECT_DOUBLE_EQ(japan.latitude, 35.68536);
  EXPECT_DOUBLE_EQ(japan.longitude, 139.75309);

  EXPECT_EQ(LookupOrDie(*city, "2a02:d000::1").country, "CH");  // /29
}

TEST(MaxMindProvider, MappedIpv4IsIpv4) {
  std::unique_ptr<MaxMindProvider> city =
      OpenOrDie(TestDb("GeoIP2-City-Test.mmdb"));
  ASSERT_NE(city, nullptr);
  GeoInfo london = LookupOrDie(*city, "::ffff:81.2.69.142");
  EXPECT_EQ(london.country, "GB");
  EXPECT_EQ(london.city, "London");
}

TEST(MaxMindProvider, GeoLiteCityDatabase) {
  std::unique_ptr<MaxMindProvider> city =
      OpenOrDie(TestDb("GeoLite2-City-Test.mmdb"));
  ASSERT_NE(city, nullptr);
  EXPECT_EQ(city->name(), "maxmind:GeoLite2-City");
  GeoInfo san_diego = LookupOrDie(*city, "2001:480::1");  // /43
  EXPECT_EQ(san_diego.country, "US");
  EXPECT_EQ(san_diego.city, "San Diego");
}

TEST(MaxMindProvider, CountryDatabaseGivesCountryOnly) {
  std::unique_ptr<MaxMindProvider> country =
      OpenOrDie(TestDb("GeoIP2-Country-Test.mmdb"));
  ASSERT_NE(country, nullptr);
  EXPECT_EQ(country->name(), "maxmind:GeoIP2-Country");
  EXPECT_TRUE(country->has_country());
  EXPECT_FALSE(country->has_asn());

  GeoInfo london = LookupOrDie(*country, "81.2.69.142");
  EXPECT_EQ(london.country, "GB");
  EXPECT_EQ(london.city, "");
  EXPECT_FALSE(london.has_location);
  EXPECT_EQ(london.source, "maxmind:GeoIP2-Country");

  EXPECT_EQ(LookupOrDie(*country, "74.209.24.1").country, "US");  // /20
  EXPECT_EQ(LookupOrDie(*country, "2001:220::1").country, "KR");  // /128
  EXPECT_EQ(LookupOrDie(*country, "2001:220::").country, "SE");   // /128
}

TEST(MaxMindProvider, GeoLiteCountryDatabase) {
  std::unique_ptr<MaxMindProvider> country =
      OpenOrDie(TestDb("GeoLite2-Country-Test.mmdb"));
  ASSERT_NE(country, nullptr);
  EXPECT_EQ(country->database_type(), "GeoLite2-Country");
  EXPECT_EQ(LookupOrDie(*country, "89.160.20.112").country, "SE");
}

TEST(MaxMindProvider, AsnDatabaseGivesAsnOnly) {
  std::unique_ptr<MaxMindProvider> asn =
      OpenOrDie(TestDb("GeoLite2-ASN-Test.mmdb"));
  ASSERT_NE(asn, nullptr);
  EXPECT_EQ(asn->name(), "maxmind:GeoLite2-ASN");
  EXPECT_FALSE(asn->has_country());
  EXPECT_TRUE(asn->has_asn());

  GeoInfo telstra = LookupOrDie(*asn, "1.128.0.0");  // 1.128.0.0/11
  EXPECT_EQ(telstra.asn, 1221u);
  EXPECT_EQ(telstra.as_org, "Telstra Pty Ltd");
  EXPECT_EQ(telstra.country, "");
  EXPECT_EQ(telstra.source, "maxmind:GeoLite2-ASN");
  EXPECT_EQ(telstra.asn_source, "maxmind:GeoLite2-ASN");
  EXPECT_EQ(telstra.country_source, "");

  GeoInfo google = LookupOrDie(*asn, "1.0.0.1");  // 1.0.0.0/24
  EXPECT_EQ(google.asn, 15169u);
  EXPECT_EQ(google.as_org, "Google Inc.");

  GeoInfo att = LookupOrDie(*asn, "12.81.96.1");  // /19, no organisation
  EXPECT_EQ(att.asn, 7018u);
  EXPECT_EQ(att.as_org, "");

  GeoInfo ziggo = LookupOrDie(*asn, "2001:1c00::1");  // 2001:1c00::/23
  EXPECT_EQ(ziggo.asn, 9143u);
  EXPECT_EQ(ziggo.as_org, "Ziggo B.V.");
}

TEST(MaxMindProvider, IspDatabaseGivesAsnAndOrganisation) {
  std::unique_ptr<MaxMindProvider> isp =
      OpenOrDie(TestDb("GeoIP2-ISP-Test.mmdb"));
  ASSERT_NE(isp, nullptr);
  EXPECT_EQ(isp->name(), "maxmind:GeoIP2-ISP");
  EXPECT_FALSE(isp->has_country());
  EXPECT_TRUE(isp->has_asn());

  GeoInfo telstra = LookupOrDie(*isp, "1.128.0.1");
  EXPECT_EQ(telstra.asn, 1221u);
  EXPECT_EQ(telstra.as_org, "Telstra Pty Ltd");  // not the isp name

  // No autonomous_system_organization: the organisation stands in.
  GeoInfo att = LookupOrDie(*isp, "12.81.92.1");
  EXPECT_EQ(att.asn, 7018u);
  EXPECT_EQ(att.as_org, "AT&T Services");

  GeoInfo merit = LookupOrDie(*isp, "2c0f:ff80::1");
  EXPECT_EQ(merit.asn, 237u);
  EXPECT_EQ(merit.as_org, "Merit Network Inc.");

  // An ISP name without an ASN is no network data.
  ExpectEmpty(LookupOrDie(*isp, "1.0.128.1"));
}

TEST(MaxMindProvider, EnterpriseDatabaseGivesEverything) {
  std::unique_ptr<MaxMindProvider> enterprise =
      OpenOrDie(TestDb("GeoIP2-Enterprise-Test.mmdb"));
  ASSERT_NE(enterprise, nullptr);
  EXPECT_EQ(enterprise->name(), "maxmind:GeoIP2-Enterprise");
  EXPECT_TRUE(enterprise->has_country());
  EXPECT_TRUE(enterprise->has_asn());

  GeoInfo houston = LookupOrDie(*enterprise, "65.116.3.80");
  EXPECT_EQ(houston.country, "US");
  EXPECT_EQ(houston.city, "Houston");
  EXPECT_DOUBLE_EQ(houston.latitude, 29.7702);
  EXPECT_DOUBLE_EQ(houston.longitude, -95.3628);
  EXPECT_EQ(houston.asn, 209u);
  EXPECT_EQ(houston.as_org, "Qwest Communications Company, LLC");
  EXPECT_EQ(houston.source, "maxmind:GeoIP2-Enterprise");
  EXPECT_EQ(houston.country_source, "maxmind:GeoIP2-Enterprise");
  EXPECT_EQ(houston.asn_source, "maxmind:GeoIP2-Enterprise");

  GeoInfo san_diego = LookupOrDie(*enterprise, "2001:480:10::1");
  EXPECT_EQ(san_diego.country, "US");
  EXPECT_EQ(san_diego.city, "San Diego");
  EXPECT_EQ(san_diego.asn, 22u);
  EXPECT_EQ(san_diego.as_org, "DNIC-AS-00022");

  GeoInfo london = LookupOrDie(*enterprise, "81.2.69.160");  // no ASN
  EXPECT_EQ(london.country, "GB");
  EXPECT_EQ(london.asn, 0u);
  EXPECT_EQ(london.asn_source, "");
}

TEST(MaxMindProvider, AddressWithoutDataIsEmpty) {
  for (absl::string_view name :
       {"GeoIP2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb",
        "GeoIP2-Enterprise-Test.mmdb"}) {
    std::unique_ptr<MaxMindProvider> provider = OpenOrDie(TestDb(name));
    ASSERT_NE(provider, nullptr);
    ExpectEmpty(LookupOrDie(*provider, "1.1.1.1"));
    ExpectEmpty(LookupOrDie(*provider, "10.0.0.1"));
    ExpectEmpty(LookupOrDie(*provider, "2001:db8::1"));
  }
}

TEST(MaxMindProvider, ConcurrentLookupsAgree) {
  std::unique_ptr<MaxMindProvider> city =
      OpenOrDie(TestDb("GeoIP2-City-Test.mmdb"));
  ASSERT_NE(city, nullptr);
  IpAddress london = *IpAddress::Parse("81.2.69.142");
  std::vector<int> wrong(4);
  std::vector<std::thread> threads;
  for (int& count : wrong) {
    threads.emplace_back([&city, &london, &count] {
      for (int i = 0; i < 500; ++i) {
        absl::StatusOr<GeoInfo> info = city->Lookup(london);
        if (!info.ok() || info->city != "London") ++count;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(4));
}

// --- MaxMind's JSON source data, when ../shared holds it. ---

// What a network of the source data says, as MaxMindProvider reports it.
struct SourceNetwork {
  IpPrefix network;
  GeoInfo info;
};

std::string StringAt(simdjson::dom::element record, const char* pointer) {
  std::string_view text;
  if (record.at_pointer(pointer).get(text) != simdjson::SUCCESS) return "";
  return std::string(text);
}

SourceNetwork ToSourceNetwork(const IpPrefix& network,
                              simdjson::dom::element record) {
  SourceNetwork source{network, GeoInfo()};
  GeoInfo& info = source.info;
  info.country = StringAt(record, "/country/iso_code");
  if (info.country.empty()) {
    info.country = StringAt(record, "/registered_country/iso_code");
  }
  if (!info.country.empty()) info.city = StringAt(record, "/city/names/en");
  double latitude, longitude;
  if (!info.country.empty() &&
      record.at_pointer("/location/latitude").get(latitude) ==
          simdjson::SUCCESS &&
      record.at_pointer("/location/longitude").get(longitude) ==
          simdjson::SUCCESS) {
    info.has_location = true;
    info.latitude = latitude;
    info.longitude = longitude;
  }
  uint64_t asn = 0;
  if (record.at_pointer("/autonomous_system_number").get(asn) ==
      simdjson::SUCCESS) {
    info.asn = static_cast<uint32_t>(asn);
    for (const char* org :
         {"/autonomous_system_organization", "/organization", "/isp"}) {
      if (info.as_org.empty()) info.as_org = StringAt(record, org);
    }
  }
  return source;
}

// Returns the networks of MaxMind's JSON source data `name`, or an empty
// list when ../shared does not hold it.
std::vector<SourceNetwork> ReadSourceData(absl::string_view name) {
  std::string path = absl::StrCat(OFFREGION_SHARED_DIR,
                                  "/data/maxmind-test-data/source-data/", name);
  simdjson::dom::parser parser;
  simdjson::dom::array networks;
  if (parser.load(path).get(networks) != simdjson::SUCCESS) return {};
  std::vector<SourceNetwork> result;
  for (simdjson::dom::element entry : networks) {
    simdjson::dom::object object;
    if (entry.get(object) != simdjson::SUCCESS) continue;
    for (simdjson::dom::key_value_pair field : object) {
      absl::StatusOr<IpPrefix> network = IpPrefix::Parse(
          absl::string_view(field.key.data(), field.key.size()));
      EXPECT_TRUE(network.ok()) << network.status();
      if (network.ok())
        result.push_back(ToSourceNetwork(*network, field.value));
    }
  }
  return result;
}

// Returns true when no more specific network of `all` holds the first
// address of `network`.
bool FirstAddressIsOwn(const SourceNetwork& network,
                       const std::vector<SourceNetwork>& all) {
  for (const SourceNetwork& other : all) {
    if (other.network.length > network.network.length &&
        other.network.address.is_v4() == network.network.address.is_v4() &&
        other.network.Contains(network.network.address)) {
      return false;
    }
  }
  return true;
}

// Looks up the first address of every network of the JSON source data
// `json` in the database `database`.
void ExpectSourceData(absl::string_view database, absl::string_view json) {
  std::vector<SourceNetwork> networks = ReadSourceData(json);
  if (networks.empty()) {
    GTEST_SKIP() << "no MaxMind source data " << json << " in "
                 << OFFREGION_SHARED_DIR;
  }
  std::unique_ptr<MaxMindProvider> provider = OpenOrDie(TestDb(database));
  ASSERT_NE(provider, nullptr);
  int checked = 0;
  for (const SourceNetwork& network : networks) {
    if (!FirstAddressIsOwn(network, networks)) continue;
    const GeoInfo& want = network.info;
    std::string address = network.network.address.ToString();
    absl::StatusOr<GeoInfo> got = provider->Lookup(network.network.address);
    ASSERT_TRUE(got.ok()) << address << ": " << got.status();
    EXPECT_EQ(got->country, want.country) << address;
    EXPECT_EQ(got->city, want.city) << address;
    EXPECT_EQ(got->has_location, want.has_location) << address;
    EXPECT_DOUBLE_EQ(got->latitude, want.latitude) << address;
    EXPECT_DOUBLE_EQ(got->longitude, want.longitude) << address;
    EXPECT_EQ(got->asn, want.asn) << address;
    EXPECT_EQ(got->as_org, want.asn != 0 ? want.as_org : "") << address;
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST(MaxMindProvider, CityDatabaseMatchesItsSourceData) {
  ExpectSourceData("GeoIP2-City-Test.mmdb", "GeoIP2-City-Test.json");
}

TEST(MaxMindProvider, CountryDatabaseMatchesItsSourceData) {
  ExpectSourceData("GeoIP2-Country-Test.mmdb", "GeoIP2-Country-Test.json");
}

TEST(MaxMindProvider, AsnDatabaseMatchesItsSourceData) {
  ExpectSourceData("GeoLite2-ASN-Test.mmdb", "GeoLite2-ASN-Test.json");
}

TEST(MaxMindProvider, IspDatabaseMatchesItsSourceData) {
  ExpectSourceData("GeoIP2-ISP-Test.mmdb", "GeoIP2-ISP-Test.json");
}

// --- Files that must be refused. ---

TEST(MaxMindProvider, MissingFileIsNotFound) {
  std::string path = TestDb("no-such.mmdb");
  absl::StatusOr<std::unique_ptr<MaxMindProvider>> provider =
      MaxMindProvider::Open(path);
  EXPECT_EQ(provider.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(MessageHas(provider.status(),
                         absl::StrCat(path, ": No such file or directory")));
}

TEST(MaxMindProvider, DirectoryIsRefused) {
  absl::StatusOr<std::unique_ptr<MaxMindProvider>> provider =
      MaxMindProvider::Open(TestDb(""));
  EXPECT_FALSE(provider.ok());
  EXPECT_TRUE(MessageHas(provider.status(), "maxmind/"));
}

TEST(MaxMindProvider, BrokenTestDatabasesAreDataLoss) {
  struct Case {
    const char* name;
    const char* reason;
  };
  for (const Case& c : {
           Case{"GeoIP2-City-Test-Broken-Double-Format.mmdb", "bad data"},
           Case{"GeoIP2-City-Test-Invalid-Node-Count.mmdb", "invalid metadata"},
           Case{"MaxMind-DB-test-broken-pointers-24.mmdb", "bad data"},
           Case{"MaxMind-DB-test-broken-search-tree-24.mmdb", "search tree"},
       }) {
    std::string path = TestDb(c.name);
    absl::StatusOr<std::unique_ptr<MaxMindProvider>> provider =
        MaxMindProvider::Open(path);
    EXPECT_EQ(provider.status().code(), absl::StatusCode::kDataLoss)
        << c.name << ": " << provider.status();
    EXPECT_TRUE(MessageHas(provider.status(),
                           absl::StrCat(path, ": not a valid MaxMind DB: ")));
    EXPECT_TRUE(MessageHas(provider.status(), c.reason));
  }
}

TEST(MaxMindProvider, TruncatedEmptyAndGarbageFilesAreDataLoss) {
  std::string whole = ReadFile(TestDb("GeoIP2-City-Test.mmdb"));
  ASSERT_GT(whole.size(), 1000u);
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>(i * 7));
  for (const auto& [name, bytes] :
       std::vector<std::pair<std::string, std::string>>{
           {"half-city.mmdb", whole.substr(0, whole.size() / 2)},
           {"empty.mmdb", ""},
           {"garbage.mmdb", garbage},
       }) {
    std::string path = WriteTempFile(name, bytes);
    absl::StatusOr<std::unique_ptr<MaxMindProvider>> provider =
        MaxMindProvider::Open(path);
    EXPECT_EQ(provider.status().code(), absl::StatusCode::kDataLoss)
        << name << ": " << provider.status();
    EXPECT_TRUE(MessageHas(provider.status(),
                           absl::StrCat(path, ": not a valid MaxMind DB")));
  }
}

TEST(MaxMindProvider, DatabaseWithoutCountryOrAsnIsRefused) {
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, std::string>>{
           {"GeoIP2-Anonymous-IP-Test.mmdb", "GeoIP2-Anonymous-IP"},
           {"MaxMind-DB-test-ipv4-24.mmdb", "Test"},
       }) {
    std::string path = TestDb(name);
    absl::StatusOr<std::unique_ptr<MaxMindProvider>> provider =
        MaxMindProvider::Open(path);
    EXPECT_EQ(provider.status().code(), absl::StatusCode::kFailedPrecondition)
        << provider.status();
    EXPECT_TRUE(
        MessageHas(provider.status(),
                   absl::StrCat(path, ": database type ", type,
                                " holds neither country nor ASN data")));
  }
}

// --- Hand-made databases. ---

TEST(MaxMindProvider, HandMadeDatabaseOpens) {
  std::string path = WriteTempFile(
      "plain.mmdb",
      Database("GeoIP2-Country", 4, {CountryRecord("country", "NZ"), ""}));
  std::unique_ptr<MaxMindProvider> provider = OpenOrDie(path);
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(LookupOrDie(*provider, "1.2.3.4").country, "NZ");  // 0/1
  ExpectEmpty(LookupOrDie(*provider, "200.1.2.3"));            // 128/1
}

TEST(MaxMindProvider, RegisteredCountryStandsInForCountry) {
  std::string path = WriteTempFile(
      "registered.mmdb",
      Database(
          "GeoIP2-Country", 4,
          {CountryRecord("registered_country", "DE"),
           Map({{"country", Map({{"iso_code", Str("fr")}})},
                {"registered_country", Map({{"iso_code", Str("DE")}})}})}));
  std::unique_ptr<MaxMindProvider> provider = OpenOrDie(path);
  ASSERT_NE(provider, nullptr);
  GeoInfo registered = LookupOrDie(*provider, "1.2.3.4");
  EXPECT_EQ(registered.country, "DE");
  EXPECT_EQ(registered.country_source, "maxmind:GeoIP2-Country");
  EXPECT_EQ(LookupOrDie(*provider, "200.1.2.3").country, "FR");  // upper
}

TEST(MaxMindProvider, Ipv6AgainstIpv4DatabaseIsNoData) {
  std::string path = WriteTempFile("ipv4-only.mmdb",
                                   Database("GeoLite2-Country", 4,
                                            {CountryRecord("country", "NZ"),
                                             CountryRecord("country", "AU")}));
  std::unique_ptr<MaxMindProvider> provider = OpenOrDie(path);
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(LookupOrDie(*provider, "200.1.2.3").country, "AU");
  ExpectEmpty(LookupOrDie(*provider, "2001:db8::1"));
  ExpectEmpty(LookupOrDie(*provider, "::1"));
}

TEST(MaxMindProvider, WronglyTypedValuesAreAbsent) {
  std::string first_record = Map({
      {"country", Map({{"iso_code", U32(5)}})},
      {"registered_country", Map({{"iso_code", Str("AT")}})},
      {"city", Map({{"names", Map({{"en", U32(7)}})}})},
      {"location",
       Map({{"latitude", Str("47.1")}, {"longitude", Double(13.3)}})},
      {"traits", Map({{"autonomous_system_number", Str("64500")}})},
  });
  std::string traits = Map({
      {"autonomous_system_number", U32(64501)},
      {"autonomous_system_organization", U32(1)},
      {"isp", Str("Example ISP")},
  });
  std::string second_record = Map({
      {"country", Map({{"iso_code", Str("USA")}})},
      {"city", Str("Vienna")},
      {"traits", traits},
  });
  std::string path = WriteTempFile(
      "wrong-types.mmdb",
      Database("GeoIP2-Enterprise", 4, {first_record, second_record}));
  std::unique_ptr<MaxMindProvider> provider = OpenOrDie(path);
  ASSERT_NE(provider, nullptr);

  GeoInfo first = LookupOrDie(*provider, "1.2.3.4");
  EXPECT_EQ(first.country, "AT");  // the registered country
  EXPECT_EQ(first.city, "");
  EXPECT_FALSE(first.has_location);
  EXPECT_EQ(first.asn, 0u);
  EXPECT_EQ(first.asn_source, "");

  GeoInfo second = LookupOrDie(*provider, "200.1.2.3");
  EXPECT_EQ(second.country, "");  // "USA" is no ISO 3166-1 alpha-2 code
  EXPECT_EQ(second.country_source, "");
  EXPECT_EQ(second.asn, 64501u);
  EXPECT_EQ(second.as_org, "Example ISP");
  EXPECT_EQ(second.source, "maxmind:GeoIP2-Enterprise");
}

TEST(MaxMindProvider, CapabilitiesFollowTheDatabaseType) {
  struct Case {
    const char* type;
    bool country;
    bool asn;
  };
  for (const Case& c : {
           Case{"GeoIP2-City", true, false},
           Case{"GeoIP2-City-Shield", true, false},
           Case{"GeoLite2-Country", true, false},
           Case{"GeoIP2-Country-Shield", true, false},
           Case{"GeoLite2-ASN", false, true},
           Case{"GeoIP2-ISP", false, true},
           Case{"GeoIP2-Enterprise", true, true},
           Case{"GeoIP2-Precision-Enterprise", true, true},
           Case{"GeoIP2-Enterprise-Shield", true, true},
       }) {
    std::string path =
        WriteTempFile("typed.mmdb", Database(c.type, 4, {Map({}), ""}));
    std::unique_ptr<MaxMindProvider> provider = OpenOrDie(path);
    ASSERT_NE(provider, nullptr) << c.type;
    EXPECT_EQ(provider->database_type(), c.type);
    EXPECT_EQ(provider->name(), absl::StrCat("maxmind:", c.type));
    EXPECT_EQ(provider->has_country(), c.country) << c.type;
    EXPECT_EQ(provider->has_asn(), c.asn) << c.type;
    ExpectEmpty(LookupOrDie(*provider, "1.2.3.4"));  // an empty record
  }
  for (const char* type :
       {"GeoIP2-Connection-Type", "GeoIP2-Domain", "GeoIP2-Anonymous-IP"}) {
    std::string path =
        WriteTempFile("typed.mmdb", Database(type, 4, {Map({}), ""}));
    absl::StatusOr<std::unique_ptr<MaxMindProvider>> provider =
        MaxMindProvider::Open(path);
    EXPECT_EQ(provider.status().code(), absl::StatusCode::kFailedPrecondition)
        << type << ": " << provider.status();
  }
}

TEST(MaxMindProvider, SearchTreeLoopIsDataLoss) {
  std::string database =
      Database("GeoIP2-Country", 4, {CountryRecord("country", "NZ"), ""});
  database[3] = database[4] = database[5] = '\0';  // right record: node 0
  std::string path = WriteTempFile("loop.mmdb", database);
  absl::StatusOr<std::unique_ptr<MaxMindProvider>> provider =
      MaxMindProvider::Open(path);
  EXPECT_EQ(provider.status().code(), absl::StatusCode::kDataLoss)
      << provider.status();
  EXPECT_TRUE(MessageHas(provider.status(), "search tree is corrupt"));
}

TEST(MaxMindProvider, CorruptRecordBeyondTheOpenCheckFailsItsLookup) {
  // Open decodes the first 4,096 distinct records; the 8,192nd is corrupt:
  // a double of 4 bytes.
  std::vector<std::string> records;
  for (uint32_t k = 0; k + 1 < 8192; ++k) {
    records.push_back(
        Map({{"country", Map({{"iso_code", Str("NZ")}})}, {"n", U32(k)}}));
  }
  records.push_back(
      Map({{"country", Map({{"iso_code", Control(3, 4) + BigEndian(0, 4)}})}}));
  std::string path = WriteTempFile("late-corruption.mmdb",
                                   Database("GeoIP2-Country", 4, records));
  std::unique_ptr<MaxMindProvider> provider = OpenOrDie(path);
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(LookupOrDie(*provider, "1.2.3.4").country, "NZ");

  absl::StatusOr<GeoInfo> corrupt =
      provider->Lookup(*IpAddress::Parse("255.255.255.255"));
  EXPECT_EQ(corrupt.status().code(), absl::StatusCode::kDataLoss)
      << corrupt.status();
  EXPECT_TRUE(MessageHas(corrupt.status(), path));
}

}  // namespace
}  // namespace offregion
