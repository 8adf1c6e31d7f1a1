// Tests of the Detector on events built in code: each rule of SPEC.md.

#include "offregion/detector.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/events.h"

namespace offregion {
namespace {

constexpr char kRanges[] = R"({"prefixes": [
  {"ip_prefix": "3.80.0.0/12", "region": "us-east-1", "service": "EC2",
   "network_border_group": "us-east-1"},
  {"ip_prefix": "3.128.0.0/15", "region": "us-east-2", "service": "EC2",
   "network_border_group": "us-east-2"},
  {"ip_prefix": "13.32.0.0/15", "region": "GLOBAL", "service": "CLOUDFRONT",
   "network_border_group": "GLOBAL"}],
  "ipv6_prefixes": []})";

constexpr char kGeo[] =
    "network,country,asn,as_org\n"
    "3.80.0.0/12,US,14618,AMAZON-AES\n"
    "3.128.0.0/15,US,16509,AMAZON-02\n"
    "13.32.0.0/15,US,16509,AMAZON-02\n"
    "203.0.113.0/25,NL,64501,EXAMPLE-HOSTING-NL\n"
    "198.51.100.0/24,US,64502,EXAMPLE-ISP-US\n"
    "192.0.2.0/24,US,14618,EXAMPLE-SAME-ASN\n";

using ::offregion::testing::Day;
using ::offregion::testing::Ec2Call;

Event Issuance(absl::Time time, std::string issuer, std::string session) {
  Event e;
  e.time = time;
  e.event_id = "issue-" + session;
  e.identity_type = "AWSService";
  e.invoked_by = issuer;
  e.source = issuer;
  e.issuance = offregion::Issuance{
      issuer,  "111122223333", "arn:aws:iam::111122223333:role/web",
      session, "ASIA1",        "us-east-1"};
  return e;
}

class DetectorTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(Options()); }

  void Build(Options options) {
    auto ranges = CloudRanges::ParseAws(kRanges);
    ASSERT_TRUE(ranges.ok()) << ranges.status();
    auto geo = GeoTable::Parse(kGeo);
    ASSERT_TRUE(geo.ok()) << geo.status();
    options.locator = std::move(*ranges);
    options.geo = std::move(*geo);
    auto detector = Detector::Create(std::move(options));
    ASSERT_TRUE(detector.ok()) << detector.status();
    detector_ = std::move(*detector);
  }

  // Issues the instance's credentials and trains 15 days from us-east-1.
  void Train() {
    detector_->Judge(
        Issuance(Day(1), "ec2.amazonaws.com", "i-0a1b2c3d4e5f60718"));
    for (int day = 1; day <= 16; ++day) {
      Verdict v = detector_->Judge(
          Ec2Call(Day(day, 1), "3.85.0.1", absl::StrCat("train-", day)));
      EXPECT_EQ(v.outcome, day <= 14 ? Outcome::kLearning : Outcome::kInRegion)
          << day;
    }
  }

  std::unique_ptr<Detector> detector_;
};

TEST_F(DetectorTest, InRegionAfterActivation) {
  Train();
  Verdict v = detector_->Judge(Ec2Call(Day(17), "3.86.1.1", "a"));
  EXPECT_EQ(v.outcome, Outcome::kInRegion);
  EXPECT_EQ(v.home_region, "us-east-1");
  EXPECT_EQ(v.home_source, HomeSource::kLearned);  // issuance is 16 days old
  EXPECT_EQ(v.identity_class, IdentityClass::kAwsEc2);
  EXPECT_EQ(v.compute_id, "i-0a1b2c3d4e5f60718");
}

TEST_F(DetectorTest, IssuanceGivesHomeForTheCredentialLifetime) {
  Options options;
  options.activation = absl::ZeroDuration();
  Build(std::move(options));
  detector_->Judge(
      Issuance(Day(1), "ec2.amazonaws.com", "i-0a1b2c3d4e5f60718"));
  Verdict v = detector_->Judge(Ec2Call(Day(1, 12), "203.0.113.10", "a"));
  EXPECT_EQ(v.home_region, "us-east-1");
  EXPECT_EQ(v.home_source, HomeSource::kIssuance);
  v = detector_->Judge(Ec2Call(Day(1, 13), "203.0.113.10", "b"));
  EXPECT_EQ(v.outcome, Outcome::kUnresolved);
  EXPECT_EQ(v.identity_class, IdentityClass::kAwsEc2);
}

TEST_F(DetectorTest, UnusualGeoAndAsnIsHigh) {
  Train();
  Verdict v = detector_->Judge(Ec2Call(Day(17), "203.0.113.10", "a"));
  EXPECT_EQ(v.outcome, Outcome::kAlert);
  EXPECT_EQ(v.variation, Variation::kOutsideRegionUnusualGeoAndAsn);
  EXPECT_EQ(v.severity, Severity::kHigh);
  EXPECT_TRUE(v.unusual_country);
  EXPECT_TRUE(v.unusual_asn);
  EXPECT_EQ(v.origin.kind, OriginKind::kInternet);
  EXPECT_EQ(v.origin.country, "NL");
  EXPECT_EQ(v.origin.asn, 64501u);
  EXPECT_EQ(v.alert_id.size(), 19u);
  EXPECT_NE(v.explanation.find("outside home region us-east-1"),
            std::string::npos)
      << v.explanation;
}

TEST_F(DetectorTest, UnusualAsnOnlyIsLow) {
  Train();
  Verdict v = detector_->Judge(Ec2Call(Day(17), "198.51.100.7", "a"));
  EXPECT_EQ(v.variation, Variation::kOutsideRegionUnusualAsn);
  EXPECT_EQ(v.severity, Severity::kLow);
}

TEST_F(DetectorTest, UsualNetworkOnInternetIsOutsideRegion) {
  Train();
  // 192.0.2.0/24 is in the usual country with the usual ASN.
  Verdict v = detector_->Judge(Ec2Call(Day(17), "192.0.2.1", "a"));
  EXPECT_EQ(v.variation, Variation::kOutsideRegion);
  EXPECT_EQ(v.severity, Severity::kLow);
}

TEST_F(DetectorTest, OtherRegionOfSameCloudIsInformational) {
  Train();
  detector_->Judge(Ec2Call(Day(16, 2), "3.129.0.1", "warm"));  // AS16509
  Verdict v = detector_->Judge(Ec2Call(Day(30), "3.129.0.1", "a"));
  EXPECT_EQ(v.outcome, Outcome::kAlert);
  EXPECT_EQ(v.variation, Variation::kOutsideRegionSameCloud);
  EXPECT_EQ(v.severity, Severity::kInformational);
}

TEST_F(DetectorTest, FailedCallWinsOverEverything) {
  Train();
  Event e = Ec2Call(Day(17), "203.0.113.10", "a");
  e.error_code = "AccessDenied";
  Verdict v = detector_->Judge(e);
  EXPECT_EQ(v.variation, Variation::kFailedOutsideRegion);
  EXPECT_EQ(v.severity, Severity::kInformational);
  EXPECT_EQ(v.error_code, "AccessDenied");
}

TEST_F(DetectorTest, FailedCallsDoNotTrain) {
  Train();
  Event failed = Ec2Call(Day(17), "203.0.113.10", "a");
  failed.error_code = "AccessDenied";
  detector_->Judge(failed);
  Verdict v = detector_->Judge(Ec2Call(Day(25), "203.0.113.11", "b"));
  EXPECT_EQ(v.variation, Variation::kOutsideRegionUnusualGeoAndAsn);
}

TEST_F(DetectorTest, ForeignVpcEndpointIsHigh) {
  Train();
  Event e = Ec2Call(Day(17), "10.0.0.5", "a");
  e.vpc_endpoint_id = "vpce-1";
  e.vpc_endpoint_account = "444455556666";
  Verdict v = detector_->Judge(e);
  EXPECT_EQ(v.variation, Variation::kForeignVpcEndpoint);
  EXPECT_EQ(v.severity, Severity::kHigh);
  e.vpc_endpoint_account = "111122223333";
  e.event_id = "b";
  EXPECT_EQ(detector_->Judge(e).outcome, Outcome::kInRegion);
}

TEST_F(DetectorTest, PrivateAddressIsInside) {
  Train();
  EXPECT_EQ(detector_->Judge(Ec2Call(Day(17), "172.31.5.9", "a")).outcome,
            Outcome::kInRegion);
  EXPECT_EQ(detector_->Judge(Ec2Call(Day(17), "100.64.1.1", "b")).outcome,
            Outcome::kInRegion);
}

TEST_F(DetectorTest, DedupSuppressesThenBreaksThrough) {
  Train();
  Verdict low = detector_->Judge(Ec2Call(Day(17), "198.51.100.7", "a"));
  ASSERT_EQ(low.outcome, Outcome::kAlert);
  Verdict again = detector_->Judge(Ec2Call(Day(18), "198.51.100.8", "b"));
  EXPECT_EQ(again.outcome, Outcome::kSuppressed);
  EXPECT_EQ(again.duplicate_of, low.alert_id);
  Verdict high = detector_->Judge(Ec2Call(Day(19), "203.0.113.10", "c"));
  EXPECT_EQ(high.outcome, Outcome::kAlert);
  Verdict later = detector_->Judge(Ec2Call(Day(19, 5), "203.0.113.99", "d"));
  EXPECT_EQ(later.outcome, Outcome::kSuppressed);
  EXPECT_EQ(later.duplicate_of, high.alert_id);
  Verdict after = detector_->Judge(Ec2Call(Day(24, 1), "203.0.113.0", "e"));
  EXPECT_EQ(after.outcome, Outcome::kAlert);
}

TEST_F(DetectorTest, AlertIdIsStable) {
  Train();
  Verdict a = detector_->Judge(Ec2Call(Day(17), "203.0.113.10", "same"));
  Build(Options());
  Train();
  Verdict b = detector_->Judge(Ec2Call(Day(17), "203.0.113.10", "same"));
  EXPECT_EQ(a.alert_id, b.alert_id);
}

TEST_F(DetectorTest, UnresolvedWithoutIssuance) {
  for (int day = 1; day <= 16; ++day) {
    Event e = Ec2Call(Day(day), "203.0.113.10", absl::StrCat("x", day));
    e.session_name = "i-0123456789abcdef0";
    Verdict v = detector_->Judge(e);
    EXPECT_EQ(v.outcome, day <= 14 ? Outcome::kLearning : Outcome::kUnresolved);
  }
}

TEST_F(DetectorTest, LearnedHomeRegion) {
  for (int day = 1; day <= 16; ++day) {
    Event e = Ec2Call(Day(day), "3.80.0.9", absl::StrCat("x", day));
    e.session_name = "i-0123456789abcdef0";
    detector_->Judge(e);
  }
  Event e = Ec2Call(Day(17), "203.0.113.10", "y");
  e.session_name = "i-0123456789abcdef0";
  Verdict v = detector_->Judge(e);
  EXPECT_EQ(v.outcome, Outcome::kAlert);
  EXPECT_EQ(v.home_region, "us-east-1");
  EXPECT_EQ(v.home_source, HomeSource::kLearned);
}

TEST_F(DetectorTest, InstanceIdChosenByPersonIsNotCompute) {
  Event issue = Issuance(Day(1), "arn:aws:iam::111122223333:user/sam",
                         "i-0123456789abcdef1");
  issue.identity_type = "IAMUser";
  issue.invoked_by.clear();
  issue.source = "198.51.100.30";
  detector_->Judge(issue);
  Event e = Ec2Call(Day(1), "198.51.100.30", "a");
  e.ec2_role_delivery = false;
  e.session_name = "i-0123456789abcdef1";
  Verdict v = detector_->Judge(e);
  EXPECT_EQ(v.outcome, Outcome::kNotApplicable);
  EXPECT_EQ(v.identity_class, IdentityClass::kNone);
}

TEST_F(DetectorTest, LambdaByIssuanceUserAgentAndScope) {
  detector_->Judge(Issuance(Day(1), "lambda.amazonaws.com", "orders-fn"));
  Event e = Ec2Call(Day(1), "3.85.0.1", "a");
  e.ec2_role_delivery = false;
  e.session_name = "orders-fn";
  EXPECT_EQ(detector_->Judge(e).identity_class, IdentityClass::kAwsLambda);

  e.session_name = "other-fn";
  e.user_agent = "Boto3/1.34 exec-env/AWS_Lambda_python3.12";
  EXPECT_EQ(detector_->Judge(e).identity_class, IdentityClass::kAwsLambda);

  e.user_agent.clear();
  e.scope_issuer_type = "AWS::Lambda::Function";
  e.scope_issued_to =
      "arn:aws:lambda:ap-southeast-2:111122223333:function:thumbnailer";
  Verdict v = detector_->Judge(e);
  EXPECT_EQ(v.identity_class, IdentityClass::kAwsLambda);
  EXPECT_EQ(v.compute_id, "thumbnailer");
  EXPECT_EQ(v.home_region, "ap-southeast-2");
  EXPECT_EQ(v.home_source, HomeSource::kEvent);
}

TEST_F(DetectorTest, ServiceCallsAreNotApplicable) {
  Train();
  Event e = Ec2Call(Day(17), "AWS Internal", "a");
  EXPECT_EQ(detector_->Judge(e).outcome, Outcome::kNotApplicable);
  e.source = "203.0.113.10";
  e.invoked_by = "cloudformation.amazonaws.com";
  EXPECT_EQ(detector_->Judge(e).outcome, Outcome::kNotApplicable);
}

TEST_F(DetectorTest, BadAddressIsInvalid) {
  Verdict v = detector_->Judge(Ec2Call(Day(1), "not-an-address", "a"));
  EXPECT_EQ(v.outcome, Outcome::kInvalid);
  EXPECT_EQ(v.error,
            "sourceIPAddress \"not-an-address\" is neither an IP address nor "
            "a service name");
}

TEST_F(DetectorTest, SeverityOverride) {
  Options options;
  options.severities[static_cast<size_t>(Variation::kOutsideRegionUnusualAsn)] =
      Severity::kMedium;
  Build(std::move(options));
  Train();
  Verdict v = detector_->Judge(Ec2Call(Day(17), "198.51.100.7", "a"));
  EXPECT_EQ(v.severity, Severity::kMedium);
}

TEST_F(DetectorTest, ImplausibleTimesAreInvalidAndMoveNothing) {
  Train();
  Event past =
      Ec2Call(absl::FromCivil(absl::CivilDay(1, 1, 1), absl::UTCTimeZone()),
              "3.85.0.1", "past");
  Verdict v = detector_->Judge(past);
  EXPECT_EQ(v.outcome, Outcome::kInvalid);
  EXPECT_EQ(v.error,
            "eventTime 0001-01-01T00:00:00Z is outside 2006-01-01..2100-01-01");
  Event future =
      Ec2Call(absl::FromCivil(absl::CivilDay(9999, 1, 1), absl::UTCTimeZone()),
              "3.85.0.1", "future");
  EXPECT_EQ(detector_->Judge(future).outcome, Outcome::kInvalid);
  EXPECT_EQ(detector_->watermark(), Day(16, 1));
}

TEST_F(DetectorTest, LateOldRecordDoesNotEndActivation) {
  detector_->Judge(
      Issuance(Day(10), "ec2.amazonaws.com", "i-0a1b2c3d4e5f60718"));
  Event old = Ec2Call(Day(1) - absl::Hours(24 * 300), "3.85.0.1", "old");
  EXPECT_EQ(detector_->Judge(old).outcome, Outcome::kLearning);
  Verdict v = detector_->Judge(Ec2Call(Day(11), "203.0.113.10", "a"));
  EXPECT_EQ(v.outcome, Outcome::kLearning);
}

TEST_F(DetectorTest, InvalidJsonRecord) {
  Verdict v = detector_->JudgeRecord("{broken");
  EXPECT_EQ(v.outcome, Outcome::kInvalid);
  EXPECT_FALSE(v.error.empty());
}

TEST_F(DetectorTest, ReusedVerdictGivesWhatFreshVerdictsGive) {
  std::unique_ptr<Detector> fresh = std::move(detector_);
  Build(Options());
  std::vector<Event> events = {
      Issuance(Day(1), "ec2.amazonaws.com", "i-0a1b2c3d4e5f60718")};
  for (int day = 1; day <= 16; ++day) {
    events.push_back(
        Ec2Call(Day(day, 1), "3.85.0.1", absl::StrCat("train-", day)));
  }
  Event person = Ec2Call(Day(17), "203.0.113.10", "person");
  person.identity_type = "IAMUser";
  Event failed = Ec2Call(Day(17, 3), "198.51.100.7", "failed");
  failed.error_code = "AccessDenied";
  Event service = Ec2Call(Day(17, 4), "203.0.113.10", "service");
  service.invoked_by = "cloudformation.amazonaws.com";
  Event not_a_call;
  not_a_call.kind = RecordKind::kNotACall;
  not_a_call.time = Day(17);
  not_a_call.not_a_call_reason = "CloudTrail digest file";
  Event endpoint = Ec2Call(Day(17, 5), "203.0.113.10", "endpoint");
  endpoint.vpc_endpoint_id = "vpce-1";
  endpoint.vpc_endpoint_account = "999988887777";
  for (Event e :
       {Ec2Call(Day(17), "203.0.113.10", "alert"), person,
        Ec2Call(Day(17, 2), "203.0.113.11", "repeat"), failed, service,
        not_a_call, endpoint, Ec2Call(Day(17, 6), "not-an-address", "bad"),
        Ec2Call(Day(17, 7), "3.85.0.2", "in-region"),
        Ec2Call(absl::FromUnixSeconds(1), "3.85.0.2", "too-old")}) {
    events.push_back(std::move(e));
  }
  Verdict reused;
  for (const Event& event : events) {
    detector_->Judge(event, &reused);
    EXPECT_EQ(VerdictToJson(reused), VerdictToJson(fresh->Judge(event)));
  }
  EXPECT_EQ(reused.outcome, Outcome::kInvalid);  // the last one, too old
  detector_->JudgeRecord("{broken", &reused);
  EXPECT_EQ(VerdictToJson(reused), VerdictToJson(fresh->JudgeRecord("{b")));
}

// Two threads on one detector, each with its own identities, give each
// event the verdict one thread gives it. (The state is swept by the newest
// event time of all threads: the streams span less than every period, so
// that no sweep can remove what a lagging thread still needs.)
TEST(DetectorThreads, TwoThreadsGiveTheVerdictsOfOne) {
  auto make = [] {
    Options options;
    options.activation = absl::ZeroDuration();
    options.dedup = absl::Hours(24 * 30);
    options.locator = CloudRanges::ParseAws(kRanges).value();
    options.geo = GeoTable::Parse(kGeo).value();
    return Detector::Create(std::move(options)).value();
  };
  // Per thread, a stream of its own roles: issuance, calls from home, from
  // a usual network abroad and from new ones.
  auto stream = [](int thread) {
    std::vector<Event> events;
    for (int day = 1; day <= 20; ++day) {
      for (int role = 0; role < 20; ++role) {
        const std::string name = absl::StrCat("role-", thread, "-", role);
        const char* source = day % 7 == 0   ? "203.0.113.10"
                             : day % 5 == 0 ? "198.51.100.9"
                                            : "3.85.0.1";
        Event e =
            Ec2Call(Day(day, role % 24), source, absl::StrCat(name, "-", day));
        e.identity = absl::StrCat("arn:aws:iam::111122223333:role/", name);
        e.session_name = absl::StrCat("i-0a1b2c3d4e5f607", 10 + role);
        e.account = absl::StrCat("1111222233", 10 + thread);
        events.push_back(std::move(e));
      }
    }
    return events;
  };
  const std::vector<Event> streams[2] = {stream(0), stream(1)};
  std::vector<std::string> alone[2], together[2];
  auto one = make();
  for (int t = 0; t < 2; ++t) {
    for (const Event& e : streams[t]) {
      alone[t].push_back(VerdictToJson(one->Judge(e)));
    }
  }
  auto shared = make();
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      Verdict v;
      for (const Event& e : streams[t]) {
        shared->Judge(e, &v);
        together[t].push_back(VerdictToJson(v));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 2; ++t) {
    ASSERT_EQ(together[t].size(), alone[t].size());
    for (size_t i = 0; i < alone[t].size(); ++i) {
      ASSERT_EQ(together[t][i], alone[t][i]) << t << " " << i;
    }
  }
  EXPECT_EQ(shared->stats().identities, one->stats().identities);
  EXPECT_EQ(shared->stats().learned_computes, 40u);
}

// A geo provider whose database broke after it was opened.
class BrokenGeo : public GeoProvider {
 public:
  absl::StatusOr<GeoInfo> Lookup(const IpAddress&) const override {
    return absl::DataLossError("city.mmdb: corrupt record");
  }
  absl::string_view name() const override { return "broken"; }
};

TEST(DetectorGeo, FailedLookupIsNoDataAndSaysSo) {
  Options options;
  options.activation = absl::ZeroDuration();
  options.locator = CloudRanges::Empty();
  options.geo = std::make_shared<BrokenGeo>();
  auto detector = Detector::Create(std::move(options)).value();
  detector->Judge(Issuance(Day(1), "ec2.amazonaws.com", "i-0a1b2c3d4e5f60718"));
  Verdict v = detector->Judge(Ec2Call(Day(1), "203.0.113.10", "a"));
  EXPECT_EQ(v.outcome, Outcome::kAlert);
  EXPECT_EQ(v.variation, Variation::kOutsideRegion);
  EXPECT_EQ(v.error, "geo lookup failed: city.mmdb: corrupt record");
  EXPECT_EQ(detector->geo_cache_stats().misses, 1u);
}

// A geo provider that calls back into the detector it serves.
class ReenteringGeo : public GeoProvider {
 public:
  absl::StatusOr<GeoInfo> Lookup(const IpAddress&) const override {
    inner = detector->Judge(Ec2Call(Day(1), "203.0.113.10", "inner"));
    stats = detector->stats();
    saved = detector->Save("/tmp/never-written");
    return GeoInfo();
  }
  absl::string_view name() const override { return "reentering"; }

  Detector* detector = nullptr;
  mutable Verdict inner;
  mutable DetectorStats stats;
  mutable absl::Status saved;
};

TEST(DetectorGeo, CallbackCallingTheDetectorIsRefused) {
  auto geo = std::make_shared<ReenteringGeo>();
  Options options;
  options.activation = absl::ZeroDuration();
  options.locator = CloudRanges::Empty();
  options.geo = geo;
  options.geo_cache_entries = 0;
  auto detector = Detector::Create(std::move(options)).value();
  geo->detector = detector.get();
  Verdict v = detector->Judge(Ec2Call(Day(1), "198.51.100.1", "outer"));
  EXPECT_EQ(v.event_id, "outer");
  EXPECT_EQ(geo->inner.outcome, Outcome::kInvalid);
  EXPECT_EQ(geo->inner.error,
            "the detector was called from inside one of its own callbacks");
  EXPECT_EQ(geo->stats.identities, 0u);
  EXPECT_EQ(geo->saved.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(detector->stats().identities, 0u);  // usable again afterwards
}

// Returns a detector without cloud ranges or geo data, active at once,
// asking `inventory` (may be null) for home regions.
std::unique_ptr<Detector> DetectorWithInventory(
    std::shared_ptr<const HomeResolver> inventory) {
  Options options;
  options.activation = absl::ZeroDuration();
  options.locator = CloudRanges::Empty();
  options.use_default_geo = false;
  options.inventory = std::move(inventory);
  return Detector::Create(std::move(options)).value();
}

// An inventory whose lookup judges with another detector, then with its
// own: the second is refused, the first works.
class NestingInventory : public HomeResolver {
 public:
  std::optional<HomeAnswer> Resolve(const HomeQuery& query) const override {
    if (query.event->event_id != "outer") return std::nullopt;
    other_verdict = other->Judge(Ec2Call(Day(1), "198.51.100.2", "other"));
    own_verdict = own->Judge(Ec2Call(Day(1), "198.51.100.3", "own"));
    return HomeAnswer{"eu-west-1", HomeSource::kInventory};
  }
  Detector* own = nullptr;
  Detector* other = nullptr;
  mutable Verdict other_verdict;
  mutable Verdict own_verdict;
};

TEST(DetectorGeo, CallbackMayUseAnotherDetectorButNotItsOwn) {
  auto inventory = std::make_shared<NestingInventory>();
  auto own = DetectorWithInventory(inventory);
  auto other = DetectorWithInventory(nullptr);
  inventory->own = own.get();
  inventory->other = other.get();
  Verdict v = own->Judge(Ec2Call(Day(1), "198.51.100.1", "outer"));
  EXPECT_EQ(v.home_region, "eu-west-1");
  EXPECT_EQ(inventory->other_verdict.outcome, Outcome::kUnresolved);
  EXPECT_EQ(inventory->own_verdict.outcome, Outcome::kInvalid);
}

// An inventory whose lookup reads and judges another record with another
// detector, on the same thread as the outer record.
class RecordJudgingInventory : public HomeResolver {
 public:
  std::optional<HomeAnswer> Resolve(const HomeQuery& query) const override {
    if (query.event->event_id == "outer") {
      inner_verdict = other->JudgeRecord(R"({"eventID": "inner",
          "eventTime": "2026-03-01T00:00:00Z", "eventName": "GetObject",
          "userIdentity": {"type": "IAMUser", "accountId": "444455556666"},
          "sourceIPAddress": "198.51.100.4"})");
    }
    return HomeAnswer{"eu-west-1", HomeSource::kInventory};
  }
  Detector* other = nullptr;
  mutable Verdict inner_verdict;
};

TEST(DetectorGeo, CallbackMayJudgeRecordsWithAnotherDetector) {
  auto inventory = std::make_shared<RecordJudgingInventory>();
  auto own = DetectorWithInventory(inventory);
  auto other = DetectorWithInventory(nullptr);
  inventory->other = other.get();
  Verdict v = own->JudgeRecord(R"({"eventID": "outer",
      "eventTime": "2026-03-01T00:00:00Z", "eventName": "ListBuckets",
      "userIdentity": {"type": "AssumedRole", "accountId": "111122223333",
        "arn": "arn:aws:sts::111122223333:assumed-role/web/i-0a1b2c3d4e5f60718",
        "sessionContext": {"ec2RoleDelivery": "2.0"}},
      "sourceIPAddress": "198.51.100.1"})");
  EXPECT_EQ(v.event_id, "outer");
  EXPECT_EQ(v.account, "111122223333");
  EXPECT_EQ(v.compute_id, "i-0a1b2c3d4e5f60718");
  EXPECT_EQ(v.home_region, "eu-west-1");
  EXPECT_EQ(v.outcome, Outcome::kAlert);
  EXPECT_EQ(inventory->inner_verdict.event_id, "inner");
  EXPECT_EQ(inventory->inner_verdict.account, "444455556666");
  EXPECT_EQ(inventory->inner_verdict.outcome, Outcome::kNotApplicable);
}

// A cycle through two detectors' callbacks: A's inventory judges with B,
// whose geo provider judges with A again. The inner call into A is
// refused; nothing deadlocks.
class JudgingInventory : public HomeResolver {
 public:
  std::optional<HomeAnswer> Resolve(const HomeQuery&) const override {
    if (next != nullptr)
      through = next->Judge(Ec2Call(Day(1), "198.51.100.5", "b"));
    return HomeAnswer{"eu-west-1", HomeSource::kInventory};
  }
  Detector* next = nullptr;
  mutable Verdict through;
};

class JudgingGeo : public GeoProvider {
 public:
  absl::StatusOr<GeoInfo> Lookup(const IpAddress&) const override {
    if (back != nullptr)
      returned = back->Judge(Ec2Call(Day(1), "198.51.100.6", "a-again"));
    return GeoInfo();
  }
  absl::string_view name() const override { return "judging"; }
  Detector* back = nullptr;
  mutable Verdict returned;
};

TEST(DetectorGeo, CycleThroughTwoDetectorsIsRefused) {
  auto inventory = std::make_shared<JudgingInventory>();
  auto geo = std::make_shared<JudgingGeo>();
  auto a = DetectorWithInventory(inventory);
  Options options;
  options.activation = absl::ZeroDuration();
  options.locator = CloudRanges::Empty();
  options.geo = geo;
  options.geo_cache_entries = 0;
  auto b = Detector::Create(std::move(options)).value();
  inventory->next = b.get();
  geo->back = a.get();
  Verdict v = a->Judge(Ec2Call(Day(1), "198.51.100.1", "a"));
  EXPECT_EQ(v.event_id, "a");
  EXPECT_EQ(v.home_region, "eu-west-1");
  EXPECT_EQ(inventory->through.event_id, "b");
  EXPECT_EQ(inventory->through.outcome, Outcome::kUnresolved);
  EXPECT_EQ(geo->returned.event_id, "a-again");
  EXPECT_EQ(geo->returned.outcome, Outcome::kInvalid);
  EXPECT_EQ(geo->returned.error,
            "the detector was called from inside one of its own callbacks");
}

// An inventory that throws once.
class ThrowingInventory : public HomeResolver {
 public:
  std::optional<HomeAnswer> Resolve(const HomeQuery&) const override {
    if (throws-- > 0) throw std::runtime_error("inventory down");
    return HomeAnswer{"eu-west-1", HomeSource::kInventory};
  }
  mutable int throws = 1;
};

TEST(DetectorGeo, DetectorIsUsableAfterACallbackThrew) {
  auto detector = DetectorWithInventory(std::make_shared<ThrowingInventory>());
  const std::string record = R"({"eventID": "r",
      "eventTime": "2026-03-01T00:00:00Z", "eventName": "ListBuckets",
      "userIdentity": {"type": "AssumedRole", "accountId": "111122223333",
        "arn": "arn:aws:sts::111122223333:assumed-role/web/i-0a1b2c3d4e5f60718",
        "sessionContext": {"ec2RoleDelivery": "2.0"}},
      "sourceIPAddress": "198.51.100.1"})";
  EXPECT_THROW(detector->JudgeRecord(record), std::runtime_error);
  Verdict v = detector->JudgeRecord(record);
  EXPECT_EQ(v.outcome, Outcome::kAlert);
  EXPECT_EQ(v.home_region, "eu-west-1");
  EXPECT_EQ(detector->stats().dedup_entries, 1u);
  EXPECT_TRUE(detector->SaveToString().size() > 0);
}

TEST(DetectorCreate, RejectsNegativePeriods) {
  Options options;
  options.activation = absl::Hours(-1);
  options.use_default_geo = false;
  options.locator = CloudRanges::Empty();
  EXPECT_EQ(Detector::Create(std::move(options)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace offregion
