// PrefixTrie: insertion walks the prefix bits, creating nodes; lookup walks
// the address bits and remembers the last node that held a value.

#include "src/locate/prefix_trie.h"

#include <cstdint>
#include <optional>
#include <utility>

namespace offregion::internal {

PrefixTrie::PrefixTrie() : nodes_(2) {}  // the IPv4 and IPv6 roots

std::pair<uint32_t, bool> PrefixTrie::Insert(const IpPrefix& prefix,
                                             uint32_t value) {
  int32_t node = Root(prefix.address);
  for (int i = 0; i < prefix.length; ++i) {
    int side = prefix.address.bit(i) ? 1 : 0;
    if (nodes_[node].child[side] == kNone) {
      nodes_[node].child[side] = static_cast<int32_t>(nodes_.size());
      nodes_.emplace_back();  // may move nodes_: index again below
    }
    node = nodes_[node].child[side];
  }
  Node& leaf = nodes_[node];
  if (leaf.value != kNone) return {static_cast<uint32_t>(leaf.value), false};
  leaf.value = value;
  ++size_;
  return {value, true};
}

std::optional<uint32_t> PrefixTrie::Find(const IpAddress& address) const {
  int bits = address.is_v4() ? 32 : 128;
  int32_t node = Root(address);
  std::optional<uint32_t> found;
  for (int i = 0; node != kNone; ++i) {
    if (nodes_[node].value != kNone) {
      found = static_cast<uint32_t>(nodes_[node].value);
    }
    if (i == bits) break;
    node = nodes_[node].child[address.bit(i) ? 1 : 0];
  }
  return found;
}

}  // namespace offregion::internal
