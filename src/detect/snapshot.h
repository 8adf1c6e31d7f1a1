// Snapshots of a detector's state: encoding with a format version and a
// checksum, decoding that refuses anything broken, and atomic files.

#ifndef OFFREGION_SRC_DETECT_SNAPSHOT_H_
#define OFFREGION_SRC_DETECT_SNAPSHOT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "offregion/state.h"
#include "src/home/resolvers.h"
#include "state/snapshot.pb.h"

namespace offregion::internal {

// The format version written; Load accepts exactly this one.
inline constexpr uint32_t kSnapshotFormatVersion = 1;

// The parts of a detector that a snapshot holds, borrowed.
struct StateParts {
  absl::Time* first_call;  // InfiniteFuture when no call was judged
  absl::Time* watermark;   // InfinitePast when no event was seen
  ProfileStore* profiles;
  DedupCache* dedup;
  IssuanceTable* issuances;
  LearnedRegions* learned;
};

// Returns the snapshot file's bytes: the magic, the header, the state.
std::string EncodeSnapshot(const StateParts& parts);

// Returns a snapshot file holding `state` (a serialized DetectorState)
// under format `version`. Tests use it to forge other versions.
std::string FrameSnapshot(uint32_t version, absl::string_view state);

// A decoded snapshot, checked and ready to apply.
struct DecodedSnapshot {
  snapshot::DetectorState state;
};

// Returns the snapshot in `bytes`, or DataLoss (not a snapshot, checksum
// mismatch, truncated, malformed) or FailedPrecondition (another format
// version), each with a message saying which.
absl::StatusOr<std::unique_ptr<DecodedSnapshot>> DecodeSnapshot(
    absl::string_view bytes);

// Puts a decoded snapshot into `parts`, which should be empty. Cannot fail.
void ApplySnapshot(const DecodedSnapshot& snapshot, const StateParts& parts);

// Writes `bytes` to `path` so that a crash at any point leaves either the
// old file or the new one: a temporary file next to it, flushed and
// fsync'ed, then renamed over it, then the folder fsync'ed. Errors name
// the file.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view bytes);

// Returns the whole file at `path`; NotFound when it does not exist.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_DETECT_SNAPSHOT_H_
