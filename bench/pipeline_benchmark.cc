// Where offregion stands against the practical limit of reading the
// records, on the generated corpus (bench/corpus.h, fixed seed).
//
// Micro benchmarks: reading one record into an Event, locating an address
// in the shipped AWS ranges, judging a prepared Event. End to end: judging
// raw JSON on one thread and on two threads sharing one detector, against
// a bare simdjson on-demand pass that reads exactly the fields the rules
// need from every record and does nothing else: no engine applying these
// rules can read the records faster. A table of records/s, MB/s and the
// ratios ends the run. Each benchmark checks its results (verdict counts,
// fields found) and fails the run when they are off.

#include <simdjson.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench/corpus.h"
#include "benchmark/benchmark.h"
#include "offregion/cloudtrail.h"
#include "offregion/config.h"
#include "offregion/detector.h"

namespace offregion {
namespace {

constexpr size_t kRecords = 100'000;

// The corpus, each record with simdjson's padding after it.
const std::vector<std::string>& Corpus() {
  static const std::vector<std::string>* corpus = [] {
    auto* records = new std::vector<std::string>(
        bench::GenerateCorpus({.records = kRecords}));
    for (std::string& r : *records)
      r.reserve(r.size() + simdjson::SIMDJSON_PADDING);
    return records;
  }();
  return *corpus;
}

double CorpusMegabytes() { return bench::CorpusBytes(Corpus()) / 1e6; }

std::unique_ptr<Detector> NewDetector() {
  Options options;
  options.activation = absl::ZeroDuration();
  return std::move(Detector::Create(std::move(options))).value();
}

void CountRecords(benchmark::State& state, size_t records) {
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.SetBytesProcessed(static_cast<int64_t>(bench::CorpusBytes(Corpus()) *
                                               records / Corpus().size()));
}

// ---------------------------------------------------------------------
// The practical limit: read the rules' fields with simdjson on-demand.

namespace od = simdjson::ondemand;

// Adds the length of a string field to *sink; absent or other types add 0.
template <typename V>
void Take(V&& value, size_t* sink) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) *sink += text.size();
}

void ReadIdentity(od::object identity, size_t* sink) {
  for (auto field : identity) {
    od::raw_json_string key;
    if (field.key().get(key) != simdjson::SUCCESS) return;
    if (key == "type" || key == "arn" || key == "accountId" ||
        key == "accessKeyId" || key == "invokedBy" || key == "principalId") {
      Take(field.value(), sink);
    } else if (key == "sessionContext") {
      od::object context;
      if (field.value().get_object().get(context) != simdjson::SUCCESS) return;
      auto delivery = context.find_field_unordered("ec2RoleDelivery");
      if (delivery.error() == simdjson::SUCCESS) *sink += 1;
    } else if (key == "inScopeOf") {
      od::object scope;
      if (field.value().get_object().get(scope) != simdjson::SUCCESS) return;
      Take(scope.find_field_unordered("issuerType"), sink);
      Take(scope.find_field_unordered("credentialsIssuedTo"), sink);
    }
  }
}

// Returns a checksum of the fields read, or 0 when the record is broken.
size_t BareRead(od::parser& parser, const std::string& record) {
  od::document doc;
  if (parser.iterate(record.data(), record.size(), record.capacity())
          .get(doc) != simdjson::SUCCESS) {
    return 0;
  }
  od::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return 0;
  size_t sink = 1;
  for (auto field : object) {
    od::raw_json_string key;
    if (field.key().get(key) != simdjson::SUCCESS) return 0;
    if (key == "userIdentity") {
      od::object identity;
      if (field.value().get_object().get(identity) == simdjson::SUCCESS) {
        ReadIdentity(identity, &sink);
      }
    } else if (key == "requestParameters") {
      od::object params;
      if (field.value().get_object().get(params) == simdjson::SUCCESS) {
        Take(params.find_field_unordered("roleArn"), &sink);
        Take(params.find_field_unordered("roleSessionName"), &sink);
      }
    } else if (key == "eventTime" || key == "eventID" || key == "eventName" ||
               key == "eventSource" || key == "awsRegion" ||
               key == "sourceIPAddress" || key == "userAgent" ||
               key == "errorCode" || key == "vpcEndpointId" ||
               key == "vpcEndpointAccountId" || key == "eventType") {
      Take(field.value(), &sink);
    }
  }
  return sink;
}

// On two threads, each reads every other record: how far this machine
// lets two threads go together, the ceiling for offregion's two threads.
void BM_BareSimdjson(benchmark::State& state) {
  const size_t threads = state.threads();
  const std::vector<std::string>& corpus = Corpus();
  od::parser parser;
  size_t broken = 0, read = 0;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < corpus.size(); i += threads) {
      const size_t sum = BareRead(parser, corpus[i]);
      broken += sum == 0;
      ++read;
      benchmark::DoNotOptimize(sum);
    }
  }
  if (broken != 0) state.SkipWithError("records the bare pass cannot read");
  CountRecords(state, read);
}
BENCHMARK(BM_BareSimdjson)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Threads(1)
    ->Threads(2);

// ---------------------------------------------------------------------
// Micro benchmarks.

void BM_ParseRecord(benchmark::State& state) {
  size_t failed = 0;
  for (auto _ : state) {
    for (const std::string& record : Corpus()) {
      auto event = ParseCloudTrailRecord(record);
      failed += !event.ok();
      benchmark::DoNotOptimize(event);
    }
  }
  if (failed != 0) state.SkipWithError("records that do not parse");
  CountRecords(state, state.iterations() * Corpus().size());
}
BENCHMARK(BM_ParseRecord)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LocateAddress(benchmark::State& state) {
  auto ranges = CloudRanges::LoadAwsFile(OFFREGION_DEFAULT_AWS_RANGES).value();
  std::vector<IpAddress> addresses;
  for (const std::string& record : Corpus()) {
    auto event = ParseCloudTrailRecord(record).value();
    auto address = IpAddress::Parse(event.source);
    if (address.ok()) addresses.push_back(*address);
  }
  size_t in_cloud = 0;
  for (const IpAddress& a : addresses)
    in_cloud += ranges->Locate(a).has_value();
  if (in_cloud == 0) state.SkipWithError("no address in a cloud range");
  size_t i = 0;
  for (auto _ : state) {
    auto where = ranges->Locate(addresses[i++ % addresses.size()]);
    benchmark::DoNotOptimize(where);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LocateAddress);

// One detector judges the corpus again and again, as a pipeline's detector
// meets the same identities and addresses day after day; a first pass
// outside the timing warms the geo cache.
void BM_JudgePreparedEvent(benchmark::State& state) {
  std::vector<Event> events;
  for (const std::string& record : Corpus()) {
    events.push_back(ParseCloudTrailRecord(record).value());
  }
  auto detector = NewDetector();
  for (const Event& event : events) detector->Judge(event);
  int64_t in_region = 0;
  Verdict v;  // reused, as a pipeline judging a stream does
  for (auto _ : state) {
    for (const Event& event : events) {
      detector->Judge(event, &v);
      in_region += v.outcome == Outcome::kInRegion;
      benchmark::DoNotOptimize(v);
    }
  }
  if (in_region == 0) state.SkipWithError("no call judged in region");
  CountRecords(state, state.iterations() * events.size());
}
BENCHMARK(BM_JudgePreparedEvent)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---------------------------------------------------------------------
// End to end: raw JSON in, verdict out, one detector shared by the threads.

// Built once, before the threads start, and warmed with one pass.
Detector& SharedDetector() {
  static Detector* detector = [] {
    Detector* d = NewDetector().release();
    for (const std::string& record : Corpus()) d->JudgeRecord(record);
    return d;
  }();
  return *detector;
}

void BM_EndToEnd(benchmark::State& state) {
  const size_t threads = state.threads();
  const std::vector<std::string>& corpus = Corpus();
  size_t invalid = 0, judged = 0;
  Verdict v;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < corpus.size(); i += threads) {
      SharedDetector().JudgeRecord(corpus[i], &v);
      invalid += v.outcome == Outcome::kInvalid;
      ++judged;
      benchmark::DoNotOptimize(v);
    }
  }
  if (invalid != 0) state.SkipWithError("invalid verdicts");
  state.SetItemsProcessed(static_cast<int64_t>(judged));
  state.SetBytesProcessed(static_cast<int64_t>(bench::CorpusBytes(corpus) *
                                               judged / corpus.size()));
}
BENCHMARK(BM_EndToEnd)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Threads(1)
    ->Threads(2);

// Keeps records/s of each run, then prints the summary table.
class TableReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) rates_[run.benchmark_name()] = it->second;
    }
  }

  void PrintTable() const {
    const double bare = Rate("BM_BareSimdjson/real_time/threads:1");
    const double bare_two = Rate("BM_BareSimdjson/real_time/threads:2");
    const double one = Rate("BM_EndToEnd/real_time/threads:1");
    const double two = Rate("BM_EndToEnd/real_time/threads:2");
    const double per_record = CorpusMegabytes() / Corpus().size();
    std::printf("\n%-36s %12s %10s %8s\n", "end to end, generated corpus",
                "records/s", "MB/s", "ratio");
    Row("bare simdjson on-demand pass", bare, per_record, 1.0);
    Row("offregion, 1 thread", one, per_record, Ratio(one, bare));
    Row("bare pass, 2 threads", bare_two, per_record, Ratio(bare_two, bare));
    Row("offregion, 2 threads, one detector", two, per_record, Ratio(two, one));
    std::printf("%-36s %12.0f\n", "judging a prepared Event",
                Rate("BM_JudgePreparedEvent/real_time"));
    std::printf(
        "(ratios: offregion against the bare pass on 1 thread; each "
        "2-thread run against its 1-thread run)\n");
  }

 private:
  // Returns the median of the repetitions when there were some, else the
  // one run's records/s; 0 when the benchmark did not run.
  double Rate(const std::string& name) const {
    for (const std::string& key : {name + "_median", name}) {
      auto it = rates_.find(key);
      if (it != rates_.end()) return it->second;
    }
    return 0;
  }
  static double Ratio(double a, double b) { return b > 0 ? a / b : 0; }
  static void Row(const char* name, double rate, double mb_per_record,
                  double ratio) {
    std::printf("%-36s %12.0f %10.1f %8.2f\n", name, rate, rate * mb_per_record,
                ratio);
  }
  std::map<std::string, double> rates_;
};

}  // namespace
}  // namespace offregion

using offregion::Corpus;
using offregion::SharedDetector;

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  Corpus();  // generated before any timing starts
  offregion::SharedDetector();
  offregion::TableReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintTable();
  benchmark::Shutdown();
  return 0;
}
