// offregion/geo.h: country and network (ASN) of an address.
//
// A GeoProvider answers the country, ASN and AS organisation of an
// address. GeoTable reads a team's own CSV (`network,country,asn,as_org`);
// LibLocProvider reads the libloc database that Debian's libloc-database
// ships, the embedded default. Providers are immutable after opening:
// Lookup may be called from any number of threads at once.
//
//   auto geo = offregion::LibLocProvider::Open();
//   absl::StatusOr<offregion::GeoInfo> info = (*geo)->Lookup(address);

#ifndef OFFREGION_GEO_H_
#define OFFREGION_GEO_H_

#include <cstdint>
#include <memory>
#include <string>

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
  std::string source;  // the provider's name(), filled in by the provider
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

}  // namespace offregion

#endif  // OFFREGION_GEO_H_
