// Judges CloudTrail files through the C++ API and prints the alerts.
//
// usage: scan FILE...   (activation 0: the shipped samples span minutes)

#include <cstdio>
#include <memory>

#include "offregion/cloudtrail.h"
#include "offregion/detector.h"

int main(int argc, char** argv) {
  offregion::Options options;
  options.activation = absl::ZeroDuration();
  auto detector = offregion::Detector::Create(std::move(options));
  if (!detector.ok()) {
    std::fprintf(stderr, "%s\n", detector.status().ToString().c_str());
    return 1;
  }
  int failed = 0;
  for (int i = 1; i < argc; ++i) {
    auto reader = offregion::RecordReader::Open(argv[i]);
    if (!reader.ok()) {
      std::fprintf(stderr, "%s\n", reader.status().ToString().c_str());
      failed = 1;
      continue;
    }
    offregion::RawRecord record;
    while ((*reader)->Next(&record)) {
      offregion::Verdict verdict = (*detector)->JudgeRecord(record.json);
      if (verdict.outcome == offregion::Outcome::kAlert) {
        std::puts(offregion::VerdictToJson(verdict).c_str());
      }
    }
  }
  return failed;
}
