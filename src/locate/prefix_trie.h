// PrefixTrie: longest-prefix match from IP prefixes to small integer
// values, shared by CloudRanges and GeoTable. Internal to the library.

#ifndef OFFREGION_SRC_LOCATE_PREFIX_TRIE_H_
#define OFFREGION_SRC_LOCATE_PREFIX_TRIE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "offregion/network.h"

namespace offregion::internal {

// A binary trie over the bits of IPv4 and IPv6 prefixes, one root per
// family, so that an IPv4 address never matches an IPv6 prefix. Each
// prefix carries a value, typically an index into the caller's own table.
// Find is const and safe to call from several threads at once; Insert is
// not.
class PrefixTrie {
 public:
  PrefixTrie();

  // Stores `value` for `prefix` and returns {value, true}; when the prefix
  // is already present, keeps its value and returns {that value, false}.
  std::pair<uint32_t, bool> Insert(const IpPrefix& prefix, uint32_t value);

  // Returns the value of the longest prefix holding `address`, or nullopt.
  std::optional<uint32_t> Find(const IpAddress& address) const;

  // Returns the number of distinct prefixes stored.
  size_t size() const { return size_; }

 private:
  static constexpr int32_t kNone = -1;
  struct Node {
    std::array<int32_t, 2> child = {kNone, kNone};
    int64_t value = kNone;  // a uint32_t value, or kNone
  };

  // The root node of the family of `address`.
  static int32_t Root(const IpAddress& address) {
    return address.is_v4() ? 0 : 1;
  }

  std::vector<Node> nodes_;
  size_t size_ = 0;
};

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_LOCATE_PREFIX_TRIE_H_
