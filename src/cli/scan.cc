// The scan loop: files in, JSON Lines verdicts out, a summary at the end.

#include "src/cli/scan.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "offregion/cloudtrail.h"

namespace offregion::cli {
namespace {

Verdict InvalidVerdict(const RawRecord& record) {
  Verdict v;
  v.outcome = Outcome::kInvalid;
  v.error = std::string(record.status.message());
  v.explanation = "record could not be read: " + v.error;
  return v;
}

void Count(const Verdict& v, ScanSummary* summary) {
  ++summary->records;
  ++summary->by_outcome[static_cast<size_t>(v.outcome)];
  if (v.outcome == Outcome::kAlert) {
    ++summary->alerts_by_severity[static_cast<size_t>(v.severity)];
  }
}

void WriteFailed(FILE* err, ScanSummary* summary) {
  summary->output_failed = true;
  absl::FPrintF(err, "offregion: cannot write verdicts: %s\n",
                std::strerror(errno));
}

// Saves a checkpoint when one is due; false when saving failed.
bool MaybeCheckpoint(const Checkpoints& checkpoints, FILE* out, FILE* err,
                     ScanSummary* summary) {
  if (checkpoints.every <= 0 || summary->records % checkpoints.every != 0) {
    return true;
  }
  // The verdicts go out before the state that records them: a crash after
  // the checkpoint must not lose an alert that the state says was raised.
  if (std::fflush(out) != 0) {
    WriteFailed(err, summary);
    return false;
  }
  if (absl::Status saved = checkpoints.save(); !saved.ok()) {
    summary->output_failed = true;
    absl::FPrintF(err, "offregion: cannot save state: %s\n", saved.message());
    return false;
  }
  ++summary->checkpoints;
  return true;
}

void ScanFile(Detector& detector, const std::string& path, bool all,
              const Checkpoints& checkpoints, FILE* out, FILE* err,
              ScanSummary* summary) {
  ++summary->files;
  auto reader = RecordReader::Open(path);
  if (!reader.ok()) {
    ++summary->unreadable_files;
    absl::FPrintF(err, "offregion: %s\n", reader.status().message());
    return;
  }
  RawRecord record;
  Verdict v;  // reused: its strings keep their memory
  while ((*reader)->Next(&record)) {
    if (record.status.ok()) {
      detector.JudgeRecord(record.json, &v);
    } else {
      v = InvalidVerdict(record);
    }
    if (v.outcome == Outcome::kInvalid && record.status.ok()) {
      v.error = absl::StrCat(record.location, ": ", v.error);
      v.explanation = absl::StrCat(record.location, ": ", v.explanation);
    }
    Count(v, summary);
    if (all || v.outcome == Outcome::kAlert) {
      std::string line = VerdictToJson(v);
      line.push_back('\n');
      if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) {
        WriteFailed(err, summary);
        return;
      }
    }
    // After the verdict is written: the state saved must not know of an
    // alert that is not out yet.
    if (!MaybeCheckpoint(checkpoints, out, err, summary)) return;
  }
  if (!(*reader)->status().ok()) {
    ++summary->broken_files;
    absl::FPrintF(err, "offregion: %s\n", (*reader)->status().message());
  }
}

}  // namespace

ScanSummary Scan(Detector& detector, const std::vector<std::string>& paths,
                 bool all, const Checkpoints& checkpoints, FILE* out,
                 FILE* err) {
  ScanSummary summary;
  const absl::Time start = absl::Now();
  for (const std::string& path : paths) {
    if (summary.output_failed) break;
    ScanFile(detector, path, all, checkpoints, out, err, &summary);
  }
  if (!summary.output_failed && std::fflush(out) != 0) {
    WriteFailed(err, &summary);
  }
  summary.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return summary;
}

void PrintSummary(const ScanSummary& s, FILE* err) {
  std::vector<std::string> outcomes;
  for (size_t i = 0; i < std::size(s.by_outcome); ++i) {
    outcomes.push_back(absl::StrCat(OutcomeName(static_cast<Outcome>(i)), " ",
                                    s.by_outcome[i]));
  }
  std::vector<std::string> severities;
  for (size_t i = std::size(s.alerts_by_severity) - 1; i >= 1; --i) {
    severities.push_back(absl::StrCat(SeverityName(static_cast<Severity>(i)),
                                      " ", s.alerts_by_severity[i]));
  }
  const double rate = s.seconds > 0 ? s.records / s.seconds : 0;
  absl::FPrintF(err,
                "offregion: %d records from %d files in %.3f s "
                "(%.0f records/s)\n",
                s.records, s.files, s.seconds, rate);
  absl::FPrintF(err, "offregion: verdicts: %s\n",
                absl::StrJoin(outcomes, ", "));
  absl::FPrintF(err, "offregion: alerts by severity: %s\n",
                absl::StrJoin(severities, ", "));
  absl::FPrintF(err,
                "offregion: invalid records: %d; unreadable files: %d; "
                "files that ended early: %d\n",
                s.by_outcome[static_cast<size_t>(Outcome::kInvalid)],
                s.unreadable_files, s.broken_files);
  const GeoCacheStats& cache = s.state.geo_cache;
  const uint64_t lookups = cache.hits + cache.misses;
  absl::FPrintF(err, "offregion: geo cache: %d lookups, %.1f%% hits\n", lookups,
                lookups == 0 ? 0.0 : 100.0 * cache.hits / lookups);
  const DetectorStats& st = s.state;
  absl::FPrintF(err,
                "offregion: state: %d identities, %d dedup keys, %d sessions, "
                "%d compute resources; evicted: %d profile entries, %d dedup "
                "keys, %d sessions, %d compute resources\n",
                st.identities, st.dedup_entries, st.tracked_sessions,
                st.learned_computes, st.evicted_profile_entries,
                st.evicted_dedup_entries, st.evicted_sessions,
                st.evicted_learned);
}

}  // namespace offregion::cli
