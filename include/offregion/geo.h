// offregion/geo.h: country and network (ASN) of an address.
//
// A GeoProvider answers the country, ASN and AS organisation of an
// address. GeoTable reads a team's own CSV (`network,country,asn,as_org`);
// MaxMindProvider reads GeoIP2/GeoLite2 databases; LibLocProvider reads the
// libloc database that Debian's libloc-database ships, the embedded
// default. GeoChain asks several in order and GeoCache remembers answers.
// Providers are immutable after opening (the cache locks inside): Lookup
// may be called from any number of threads at once.
//
//   auto geo = offregion::LibLocProvider::Open();
//   absl::StatusOr<offregion::GeoInfo> info = (*geo)->Lookup(address);

#ifndef OFFREGION_GEO_H_
#define OFFREGION_GEO_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "offregion/network.h"

namespace offregion {

// What a provider knows of an address. Empty country and zero ASN mean
// "no data", which the detector treats as usual, never as unusual.
struct GeoInfo {
  std::string country;  // ISO 3166-1 alpha-2, upper case
  uint32_t asn = 0;
  std::string as_org;
  // Where the address is, when the data says (for explanations only).
  std::string city;  // English name
  bool has_location = false;
  double latitude = 0;
  double longitude = 0;
  // The name() of the provider that answered: `source` is the one that gave
  // the country (or, without a country, the ASN); a chain may take the
  // country and the ASN from different providers.
  std::string source;
  std::string country_source;
  std::string asn_source;
};

class GeoProvider {
 public:
  virtual ~GeoProvider() = default;

  // Returns what is known of `address`; a GeoInfo with no fields set when
  // nothing is. An error only when the lookup itself failed (a corrupt
  // database), never for an unknown address.
  virtual absl::StatusOr<GeoInfo> Lookup(const IpAddress& address) const = 0;

  // Returns a short name for verdicts ("geo-table", "libloc").
  virtual absl::string_view name() const = 0;
};

// A geo table: CSV with the header `network,country,asn,as_org` (the header
// row is optional), one prefix a row, longest prefix wins. `asn` may be
// written "64501" or "AS64501", and may be empty.
class GeoTable : public GeoProvider {
 public:
  // Returns the table parsed from `csv`. InvalidArgument naming the row
  // number on a malformed row.
  static absl::StatusOr<std::unique_ptr<GeoTable>> Parse(absl::string_view csv);

  // Reads and parses `path`; errors name the file.
  static absl::StatusOr<std::unique_ptr<GeoTable>> LoadFile(
      const std::string& path);

  absl::StatusOr<GeoInfo> Lookup(const IpAddress& address) const override;
  absl::string_view name() const override { return "geo-table"; }

  // Returns the number of rows loaded.
  size_t size() const;

  ~GeoTable() override;

 private:
  struct Table;
  GeoTable();
  std::unique_ptr<Table> table_;
};

// The libloc database (IPFire location), memory mapped.
class LibLocProvider : public GeoProvider {
 public:
  // The database Debian's libloc-database installs.
  static constexpr char kDefaultPath[] =
      "/usr/share/libloc-location/location.db";

  // Opens the database at `path`. NotFound when the file is missing,
  // DataLoss when libloc cannot read it; both name the file.
  static absl::StatusOr<std::unique_ptr<LibLocProvider>> Open(
      const std::string& path = kDefaultPath);

  absl::StatusOr<GeoInfo> Lookup(const IpAddress& address) const override;
  absl::string_view name() const override { return "libloc"; }

  ~LibLocProvider() override;

 private:
  struct Handle;
  explicit LibLocProvider(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
};

// A MaxMind DB (GeoIP2 / GeoLite2 City, Country, ASN, ISP, Enterprise),
// memory mapped through libmaxminddb. What it can answer is read from the
// database's own metadata (`database_type`): country (the registered
// country when the record has no other), city and coordinates, ASN and
// organisation. An IPv6 address against an IPv4-only database is no data,
// not an error.
class MaxMindProvider : public GeoProvider {
 public:
  // Opens the database at `path`. NotFound when the file is missing;
  // DataLoss when it is truncated or corrupt; FailedPrecondition when it is
  // a MaxMind DB that holds neither country nor ASN data (Anonymous-IP,
  // Connection-Type, Domain, ...). Every message names the file.
  static absl::StatusOr<std::unique_ptr<MaxMindProvider>> Open(
      const std::string& path);

  absl::StatusOr<GeoInfo> Lookup(const IpAddress& address) const override;

  // Returns "maxmind:" and the database type, e.g. "maxmind:GeoLite2-City".
  absl::string_view name() const override;

  // The database type from the metadata, e.g. "GeoIP2-City".
  const std::string& database_type() const;
  bool has_country() const;
  bool has_asn() const;

  ~MaxMindProvider() override;

 private:
  struct Handle;
  explicit MaxMindProvider(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
};

// Asks providers in order, each attribute on its own: the country (with
// city and coordinates) comes from the first provider that has one, the
// ASN (with organisation) from the first that has one. A provider whose
// lookup fails is passed over; Lookup fails only when all of them fail.
class GeoChain : public GeoProvider {
 public:
  // REQUIRES: no provider is null.
  explicit GeoChain(std::vector<std::shared_ptr<const GeoProvider>> providers);

  absl::StatusOr<GeoInfo> Lookup(const IpAddress& address) const override;
  absl::string_view name() const override { return "chain"; }

 private:
  std::vector<std::shared_ptr<const GeoProvider>> providers_;
};

// Counters of a GeoCache.
struct GeoCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  size_t entries = 0;
};

// A bounded cache of address -> answer in front of another provider,
// shared by all threads (sharded locks). Failed lookups are not cached.
// When a shard is full, an arbitrary eighth of it is forgotten.
class GeoCache : public GeoProvider {
 public:
  // REQUIRES: inner is not null. capacity 0 means the default, 65,536.
  GeoCache(std::shared_ptr<const GeoProvider> inner, size_t capacity = 0);
  ~GeoCache() override;

  absl::StatusOr<GeoInfo> Lookup(const IpAddress& address) const override;
  absl::string_view name() const override { return inner_->name(); }

  // Returns the counters so far. Thread-safe.
  GeoCacheStats stats() const;

 private:
  struct Shard;
  std::shared_ptr<const GeoProvider> inner_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace offregion

#endif  // OFFREGION_GEO_H_
