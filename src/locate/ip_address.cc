// IpAddress and IpPrefix: parsing with inet_pton, printing with inet_ntop,
// prefix tests and the internal (never routed) address ranges.

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "offregion/network.h"

namespace offregion {
namespace {

// Offset of the IPv4 bytes inside the IPv4-mapped IPv6 form.
constexpr int kV4Offset = 12;

// An IPv4 range as a host-order number and a prefix length.
struct V4Range {
  uint32_t network;
  int length;
};

// 10/8, 172.16/12, 192.168/16, 127/8, 169.254/16, 100.64/10, 0/8.
constexpr V4Range kInternalV4[] = {
    {0x0A000000, 8},  {0xAC100000, 12}, {0xC0A80000, 16}, {0x7F000000, 8},
    {0xA9FE0000, 16}, {0x64400000, 10}, {0x00000000, 8},
};

// Quotes `text` for an error message, shortened when it is long.
std::string Quote(absl::string_view text) {
  constexpr size_t kMaxShown = 64;
  absl::string_view shown = text.substr(0, kMaxShown);
  return absl::StrCat("\"", absl::CEscape(shown),
                      shown.size() < text.size() ? "...\"" : "\"");
}

absl::Status NotAnAddress(absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat("not an IP address: ", Quote(text)));
}

absl::Status NotAPrefix(absl::string_view text, const char* why) {
  return absl::InvalidArgumentError(
      absl::StrCat("not an IP prefix: ", Quote(text), ": ", why));
}

// Removes an IPv6 zone id ("fe80::1%eth0" -> "fe80::1"); false when the
// zone is misplaced or empty.
bool StripZone(absl::string_view& text) {
  size_t percent = text.find('%');
  if (percent == absl::string_view::npos) return true;
  if (percent + 1 == text.size()) return false;
  if (text.substr(0, percent).find(':') == absl::string_view::npos) {
    return false;
  }
  text = text.substr(0, percent);
  return true;
}

// True for ::ffff:a.b.c.d, the IPv4-mapped form.
bool IsV4Mapped(const std::array<uint8_t, 16>& bytes) {
  static constexpr uint8_t kHead[kV4Offset] = {0, 0, 0, 0, 0,    0,
                                               0, 0, 0, 0, 0xFF, 0xFF};
  return std::memcmp(bytes.data(), kHead, kV4Offset) == 0;
}

uint32_t V4Number(const std::array<uint8_t, 16>& bytes) {
  return uint32_t{bytes[12]} << 24 | uint32_t{bytes[13]} << 16 |
         uint32_t{bytes[14]} << 8 | uint32_t{bytes[15]};
}

// Returns a mask of the `bits` leading bits of a byte (0 <= bits <= 8).
uint8_t LeadingMask(int bits) { return static_cast<uint8_t>(0xFF00 >> bits); }

// Returns `address` with every bit past the first `length` cleared.
IpAddress Masked(const IpAddress& address, int length) {
  std::array<uint8_t, 16> bytes = address.bytes();
  int first = address.is_v4() ? kV4Offset : 0;
  for (int i = first; i < 16; ++i) {
    int kept = length - (i - first) * 8;
    bytes[i] &= LeadingMask(kept < 0 ? 0 : (kept > 8 ? 8 : kept));
  }
  if (address.is_v4()) {
    return IpAddress::V4(bytes[12], bytes[13], bytes[14], bytes[15]);
  }
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes.data(), text, sizeof(text));
  return *IpAddress::Parse(text);
}

}  // namespace

absl::StatusOr<IpAddress> IpAddress::Parse(absl::string_view text) {
  absl::string_view bare = text;
  char terminated[INET6_ADDRSTRLEN];  // inet_pton wants a C string
  if (bare.empty() || bare.find('\0') != absl::string_view::npos ||
      !StripZone(bare) || bare.size() >= sizeof(terminated)) {
    return NotAnAddress(text);
  }
  std::memcpy(terminated, bare.data(), bare.size());
  terminated[bare.size()] = '\0';

  IpAddress address;
  if (inet_pton(AF_INET, terminated, &address.bytes_[kV4Offset]) == 1) {
    address.bytes_[10] = address.bytes_[11] = 0xFF;
    address.is_v4_ = true;
    return address;
  }
  if (inet_pton(AF_INET6, terminated, address.bytes_.data()) != 1) {
    return NotAnAddress(text);
  }
  address.is_v4_ = IsV4Mapped(address.bytes_);
  return address;
}

IpAddress IpAddress::V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress address;
  address.bytes_ = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, a, b, c, d};
  address.is_v4_ = true;
  return address;
}

bool IpAddress::IsInternal() const {
  if (is_v4_) {
    uint32_t number = V4Number(bytes_);
    for (const V4Range& range : kInternalV4) {
      if (number >> (32 - range.length) ==
          range.network >> (32 - range.length)) {
        return true;
      }
    }
    return false;
  }
  bool zero_head = true;  // the first 15 bytes are all zero
  for (int i = 0; i < 15; ++i) zero_head = zero_head && bytes_[i] == 0;
  if (zero_head && bytes_[15] <= 1) return true;  // :: and ::1
  if (bytes_[0] == 0xFE && (bytes_[1] & 0xC0) == 0x80)
    return true;                      // fe80::/10
  return (bytes_[0] & 0xFE) == 0xFC;  // fc00::/7
}

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN];
  if (is_v4_) {
    inet_ntop(AF_INET, bytes_.data() + kV4Offset, text, sizeof(text));
  } else {
    inet_ntop(AF_INET6, bytes_.data(), text, sizeof(text));
  }
  return text;
}

absl::StatusOr<IpPrefix> IpPrefix::Parse(absl::string_view text) {
  size_t slash = text.find('/');
  absl::string_view address_text = text.substr(0, slash);
  absl::StatusOr<IpAddress> address = IpAddress::Parse(address_text);
  if (!address.ok()) return NotAPrefix(text, "bad address");
  if (address_text.find('%') != absl::string_view::npos) {
    return NotAPrefix(text, "zone id in a prefix");
  }

  int max_length = address->is_v4() ? 32 : 128;
  int length = max_length;
  if (slash != absl::string_view::npos) {
    absl::string_view length_text = text.substr(slash + 1);
    if (length_text.empty() || length_text.size() > 3 ||
        !std::all_of(length_text.begin(), length_text.end(),
                     absl::ascii_isdigit) ||
        !absl::SimpleAtoi(length_text, &length)) {
      return NotAPrefix(text, "bad length");
    }
    // ::ffff:a.b.c.d/N is the IPv4 prefix a.b.c.d/(N-96).
    bool mapped =
        address->is_v4() && address_text.find(':') != absl::string_view::npos;
    if (mapped) length -= 96;
  }
  if (length < 0 || length > max_length) {
    return NotAPrefix(text, "length out of range");
  }
  return IpPrefix{Masked(*address, length), length};
}

bool IpPrefix::Contains(const IpAddress& candidate) const {
  if (candidate.is_v4() != address.is_v4()) return false;
  int first = address.is_v4() ? kV4Offset : 0;
  for (int i = first; i < 16; ++i) {
    int kept = length - (i - first) * 8;
    if (kept <= 0) break;
    uint8_t mask = LeadingMask(kept > 8 ? 8 : kept);
    if ((candidate.bytes()[i] & mask) != (address.bytes()[i] & mask)) {
      return false;
    }
  }
  return true;
}

}  // namespace offregion
