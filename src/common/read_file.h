// ReadFile: the whole contents of a data file, with errors that name it.
// Internal to the library.

#ifndef OFFREGION_SRC_COMMON_READ_FILE_H_
#define OFFREGION_SRC_COMMON_READ_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace offregion::internal {

// Returns the contents of `path`. On failure the status matches errno
// (NotFound for a missing file) and reads "PATH: strerror text".
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_COMMON_READ_FILE_H_
