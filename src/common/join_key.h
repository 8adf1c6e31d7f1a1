// JoinKey: builds a table key "a|b|c" in a buffer the caller keeps, so
// that building keys for lookups allocates only while the buffer grows.
// Internal to the library.

#ifndef OFFREGION_SRC_COMMON_JOIN_KEY_H_
#define OFFREGION_SRC_COMMON_JOIN_KEY_H_

#include <string>

#include "absl/strings/string_view.h"

namespace offregion::internal {

// Sets *key to the parts joined by '|', keeping its memory; returns it.
// Each part is anything an absl::string_view is made from.
template <typename... Rest>
const std::string& JoinKey(std::string* key, absl::string_view first,
                           const Rest&... rest) {
  key->assign(first.data(), first.size());
  for (absl::string_view part : {absl::string_view(rest)...}) {
    key->append(1, '|').append(part.data(), part.size());
  }
  return *key;
}

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_COMMON_JOIN_KEY_H_
