// AbslView: passes a std::string_view to abseil. Debian's abseil is built
// with its own absl::string_view, which does not convert from the standard
// one. Internal to the library.

#ifndef OFFREGION_SRC_COMMON_ABSL_VIEW_H_
#define OFFREGION_SRC_COMMON_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace offregion::internal {

// Returns the same characters as an absl::string_view.
inline absl::string_view AbslView(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_COMMON_ABSL_VIEW_H_
