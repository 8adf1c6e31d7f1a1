// The cost of state: memory per identity held by a detector, and the time
// and size of its snapshots, at 10k, 100k and 1M identities.
//
// Each identity is an EC2 instance profile with its own role: one
// issuance record, one call from inside its region (a profile with one
// country and one ASN, and a learned region) and one replay from outside
// (a dedup entry). Memory is what the allocator holds (mallinfo2) after
// the detector is built minus before; snapshot bytes are the file's size.
// Each run checks that the restored detector holds as many identities.

#include <malloc.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "offregion/detector.h"

namespace offregion {
namespace {

size_t HeapBytes() { return mallinfo2().uordblks; }

std::unique_ptr<Detector> NewDetector() {
  Options options;
  options.activation = absl::ZeroDuration();
  options.locator =
      CloudRanges::ParseAws(R"({"prefixes": [{"ip_prefix": "3.80.0.0/12",
        "region": "us-east-1", "service": "EC2",
        "network_border_group": "us-east-1"}]})")
          .value();
  options.geo = GeoTable::Parse(
                    "3.80.0.0/12,US,14618,AMAZON-AES\n"
                    "203.0.113.0/24,NL,64501,EXAMPLE-HOSTING-NL\n")
                    .value();
  return Detector::Create(std::move(options)).value();
}

void Feed(Detector& detector, int identities) {
  const absl::Time start = absl::FromUnixSeconds(1772323200);  // 2026-03-01
  Event call;
  call.identity_type = "AssumedRole";
  call.account = "111122223333";
  call.ec2_role_delivery = true;
  call.call_region = "us-east-1";
  Event issue;
  issue.identity_type = "AWSService";
  issue.invoked_by = "ec2.amazonaws.com";
  issue.source = "ec2.amazonaws.com";
  for (int i = 0; i < identities; ++i) {
    const std::string instance = absl::StrFormat("i-%017x", i);
    const std::string role =
        absl::StrCat("arn:aws:iam::111122223333:role/r", i);
    const absl::Time time = start + absl::Milliseconds(i);
    issue.time = time;
    issue.issuance =
        Issuance{"ec2.amazonaws.com", "111122223333", role, instance,
                 "ASIAEXAMPLE",       "us-east-1"};
    detector.Judge(issue);
    call.identity = role;
    call.session_name = instance;
    call.time = time;
    call.event_id = absl::StrCat("in-", i);
    call.source = absl::StrCat("3.80.", i % 250, ".", i % 200);
    detector.Judge(call);
    call.event_id = absl::StrCat("out-", i);
    call.source = absl::StrCat("203.0.113.", i % 200);
    detector.Judge(call);
  }
}

void BM_State(benchmark::State& state) {
  const int identities = static_cast<int>(state.range(0));
  const std::string path = absl::StrCat("/tmp/offregion-bench-", identities);
  for (auto _ : state) {
    const size_t before = HeapBytes();
    auto detector = NewDetector();
    Feed(*detector, identities);
    const size_t held = HeapBytes() - before;

    absl::Time t = absl::Now();
    if (!detector->Save(path).ok()) state.SkipWithError("save failed");
    const double save_ms = absl::ToDoubleMilliseconds(absl::Now() - t);
    const size_t bytes = detector->SaveToString().size();

    auto restored = NewDetector();
    t = absl::Now();
    if (!restored->Load(path).ok()) state.SkipWithError("load failed");
    const double load_ms = absl::ToDoubleMilliseconds(absl::Now() - t);
    if (restored->stats().identities != static_cast<size_t>(identities)) {
      state.SkipWithError("restored a different number of identities");
    }
    state.counters["memory_per_identity"] =
        static_cast<double>(held) / identities;
    state.counters["snapshot_bytes_per_identity"] =
        static_cast<double>(bytes) / identities;
    state.counters["save_ms"] = save_ms;
    state.counters["load_ms"] = load_ms;
  }
  std::remove(path.c_str());
}
BENCHMARK(BM_State)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace offregion

BENCHMARK_MAIN();
