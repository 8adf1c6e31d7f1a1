// offregion/network.h: addresses, prefix tables and cloud ranges.
//
// IpAddress parses IPv4, IPv6 and IPv4-mapped IPv6 text. A NetworkLocator
// answers which cloud provider and region an address belongs to; CloudRanges
// is the default one, loaded from the published AWS `ip-ranges.json`.
// Locators are immutable after loading: Locate may be called from any number
// of threads at once.
//
//   auto ranges = offregion::CloudRanges::LoadAwsFile("ip-ranges.json");
//   auto addr = offregion::IpAddress::Parse("3.80.1.2");
//   std::optional<CloudLocation> where = (*ranges)->Locate(*addr);

#ifndef OFFREGION_NETWORK_H_
#define OFFREGION_NETWORK_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "offregion/event.h"

namespace offregion {

// An IPv4 or IPv6 address. IPv4 and IPv4-mapped IPv6 (::ffff:a.b.c.d) are
// the same address: both are stored as IPv4.
class IpAddress {
 public:
  // Returns the address written in `text`, or InvalidArgument naming the
  // text when it is not an address. Surrounding blanks are not accepted.
  static absl::StatusOr<IpAddress> Parse(absl::string_view text);

  // Returns an IPv4 address from its four bytes in network order.
  static IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);

  bool is_v4() const { return is_v4_; }

  // The 16 bytes in network order. IPv4 is stored as ::ffff:a.b.c.d.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  // Returns the bit at `index` counted from the most significant bit of the
  // address itself (of the 4 bytes for IPv4, of the 16 for IPv6).
  // REQUIRES: index < 32 for IPv4, index < 128 for IPv6.
  bool bit(int index) const {
    const int byte = (is_v4_ ? 12 : 0) + index / 8;  // IPv4 sits at 12..15
    return (bytes_[byte] >> (7 - index % 8)) & 1;
  }

  // Returns true for private (10/8, 172.16/12, 192.168/16), loopback,
  // link-local, shared (100.64/10), unspecified and unique-local (fc00::/7)
  // addresses: those that never leave a network.
  bool IsInternal() const;

  // Returns the canonical text form ("3.80.1.2", "2600:1f18::10").
  std::string ToString() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.is_v4_ == b.is_v4_ && a.bytes_ == b.bytes_;
  }
  template <typename H>
  friend H AbslHashValue(H h, const IpAddress& a) {
    return H::combine(std::move(h), a.is_v4_, a.bytes_);
  }

 private:
  std::array<uint8_t, 16> bytes_{};
  bool is_v4_ = false;
};

// An address prefix such as 3.80.0.0/12 or 2600:1f18::/33.
struct IpPrefix {
  IpAddress address;
  int length = 0;  // in bits of the address family

  // Returns the prefix written in `text` ("3.80.0.0/12"); a bare address is
  // a prefix of full length. InvalidArgument on anything else.
  static absl::StatusOr<IpPrefix> Parse(absl::string_view text);

  // Returns true when `address` lies inside this prefix.
  bool Contains(const IpAddress& address) const;
};

// Where an address belongs in a cloud.
struct CloudLocation {
  Provider provider = Provider::kUnknown;
  std::string region;   // empty for a provider-wide (GLOBAL) range
  std::string service;  // e.g. "EC2"; informational
};

// Answers which cloud range, if any, holds an address. Implementations must
// allow concurrent calls to Locate.
class NetworkLocator {
 public:
  virtual ~NetworkLocator() = default;

  // Returns the cloud location of `address`, or nullopt when the address is
  // in no known cloud range (the internet).
  virtual std::optional<CloudLocation> Locate(
      const IpAddress& address) const = 0;
};

// Published cloud ranges with longest-prefix match. A regional range always
// wins over a GLOBAL one; between regional ranges the longest prefix wins.
// The `region` field counts, never the network border group.
class CloudRanges : public NetworkLocator {
 public:
  // Returns ranges parsed from AWS's ip-ranges.json format (`prefixes` with
  // `ip_prefix`, `ipv6_prefixes` with `ipv6_prefix`). InvalidArgument when
  // the text is not that format; a single bad prefix entry is also an error,
  // naming the entry.
  static absl::StatusOr<std::unique_ptr<CloudRanges>> ParseAws(
      absl::string_view json);

  // Reads and parses `path`. NotFound or InvalidArgument errors name it.
  static absl::StatusOr<std::unique_ptr<CloudRanges>> LoadAwsFile(
      const std::string& path);

  // Returns an empty table: every address is on the internet.
  static std::unique_ptr<CloudRanges> Empty();

  std::optional<CloudLocation> Locate(const IpAddress& address) const override;

  // Returns how many prefixes were loaded.
  size_t size() const;

  ~CloudRanges() override;

 private:
  struct Table;
  CloudRanges();
  std::unique_ptr<Table> table_;
};

}  // namespace offregion

#endif  // OFFREGION_NETWORK_H_
