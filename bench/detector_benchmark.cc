// Records per second through the detector, end to end: parse a CloudTrail
// record, classify, resolve the home region, locate, enrich and decide.
//
// Scenarios: BM_JudgeRecord mixes instance-profile calls from inside the
// region with replays from the internet across a sweep of identities, the
// shape of a real trail; BM_ParseOnly isolates the JSON parser. Each run
// checks its verdict counts against what the corpus must give.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "offregion/cloudtrail.h"
#include "offregion/detector.h"

namespace offregion {
namespace {

constexpr char kRanges[] = R"({"prefixes": [
  {"ip_prefix": "3.80.0.0/12", "region": "us-east-1", "service": "EC2",
   "network_border_group": "us-east-1"}], "ipv6_prefixes": []})";
constexpr char kGeo[] =
    "3.80.0.0/12,US,14618,AMAZON-AES\n"
    "203.0.113.0/24,NL,64501,EXAMPLE-HOSTING-NL\n";

// One record a minute; every tenth comes from the internet.
std::string Record(int i, int identities) {
  const int id = i % identities;
  const std::string source = i % 10 == 9 ? absl::StrCat("203.0.113.", i % 200)
                                         : absl::StrCat("3.80.", i % 250, ".7");
  return absl::StrFormat(
      R"({"eventVersion":"1.09","userIdentity":{"type":"AssumedRole",)"
      R"("principalId":"AROAEXAMPLE:i-%017x","arn":"arn:aws:sts::)"
      R"(111122223333:assumed-role/role-%d/i-%017x","accountId":)"
      R"("111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":)"
      R"({"ec2RoleDelivery":"2.0"}},"eventTime":"%s","eventSource":)"
      R"("s3.amazonaws.com","eventName":"ListBuckets","awsRegion":)"
      R"("us-east-1","sourceIPAddress":"%s","userAgent":"aws-cli/2.15.0",)"
      R"("eventID":"e-%d","resources":[{"type":"AWS::EC2::Instance",)"
      R"("ARN":"arn:aws:ec2:us-east-1:111122223333:instance/i-%017x"}]})",
      id, id, id,
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                       absl::UnixEpoch() + absl::Minutes(i),
                       absl::UTCTimeZone()),
      source, i, id);
}

std::vector<std::string> Corpus(int size, int identities) {
  std::vector<std::string> records;
  records.reserve(size);
  for (int i = 0; i < size; ++i) records.push_back(Record(i, identities));
  return records;
}

std::unique_ptr<Detector> NewDetector() {
  Options options;
  options.activation = absl::ZeroDuration();
  options.locator = std::move(CloudRanges::ParseAws(kRanges)).value();
  options.geo = std::move(GeoTable::Parse(kGeo)).value();
  return std::move(Detector::Create(std::move(options))).value();
}

void BM_JudgeRecord(benchmark::State& state) {
  const std::vector<std::string> corpus =
      Corpus(10000, static_cast<int>(state.range(0)));
  int64_t alerts = 0, invalid = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<Detector> detector = NewDetector();
    state.ResumeTiming();
    for (const std::string& record : corpus) {
      Verdict v = detector->JudgeRecord(record);
      alerts += v.outcome == Outcome::kAlert;
      invalid += v.outcome == Outcome::kInvalid;
      benchmark::DoNotOptimize(v);
    }
  }
  if (invalid != 0 || alerts == 0) state.SkipWithError("unexpected verdicts");
  state.SetItemsProcessed(state.iterations() * corpus.size());
}
BENCHMARK(BM_JudgeRecord)->Arg(10)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_ParseOnly(benchmark::State& state) {
  const std::vector<std::string> corpus = Corpus(10000, 100);
  for (auto _ : state) {
    for (const std::string& record : corpus) {
      auto event = ParseCloudTrailRecord(record);
      if (!event.ok()) state.SkipWithError("parse failed");
      benchmark::DoNotOptimize(event);
    }
  }
  state.SetItemsProcessed(state.iterations() * corpus.size());
}
BENCHMARK(BM_ParseOnly)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace offregion

BENCHMARK_MAIN();
