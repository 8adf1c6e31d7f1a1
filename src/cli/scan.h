// `offregion scan`: judge every record of some files and print verdicts.

#ifndef OFFREGION_SRC_CLI_SCAN_H_
#define OFFREGION_SRC_CLI_SCAN_H_

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "offregion/detector.h"

namespace offregion::cli {

struct ScanSettings {
  Options options;
  bool all = false;  // print every verdict, not only alerts
};

// What a scan saw, for the summary.
struct ScanSummary {
  int files = 0;
  int unreadable_files = 0;    // could not be read at all
  int broken_files = 0;        // ended early (truncated, read error)
  bool output_failed = false;  // a verdict could not be written; scan stopped
  int64_t records = 0;
  int64_t by_outcome[7] = {};
  int64_t alerts_by_severity[5] = {};
  double seconds = 0;
  int64_t checkpoints = 0;
  DetectorStats state;
};

// Saving the state every so many records.
struct Checkpoints {
  int64_t every = 0;  // records; 0: never
  std::function<absl::Status()> save;
};

// Judges every record of `paths` ("-" is standard input) in order, writing
// verdicts as JSON Lines to `out` and file errors to `err`.
ScanSummary Scan(Detector& detector, const std::vector<std::string>& paths,
                 bool all, const Checkpoints& checkpoints, FILE* out,
                 FILE* err);

// Writes the summary lines to `err`.
void PrintSummary(const ScanSummary& summary, FILE* err);

}  // namespace offregion::cli

#endif  // OFFREGION_SRC_CLI_SCAN_H_
