// offregion/verdict.h: what the detector says about one event.
//
// Every event gets exactly one Verdict. A Verdict is a plain value type,
// safe to copy and to hand to another thread.
//
//   offregion::Verdict v = detector->Judge(event);
//   if (v.outcome == offregion::Outcome::kAlert) Send(VerdictToJson(v));

#ifndef OFFREGION_VERDICT_H_
#define OFFREGION_VERDICT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "offregion/event.h"

namespace offregion {

// The outcomes of SPEC.md. The numeric values are stable.
enum class Outcome : uint8_t {
  kNotApplicable = 0,  // not a compute-attached identity, or not a call
  kInRegion = 1,       // used inside its home region
  kLearning = 2,       // before activation: no alert is raised yet
  kUnresolved = 3,     // no resolver knows the home region
  kAlert = 4,
  kSuppressed = 5,  // repeats an alert within the dedup period
  kInvalid = 6,     // the record could not be read; see `error`
};

// Severities in increasing order. kNone is used when there is no finding.
enum class Severity : uint8_t {
  kNone = 0,
  kInformational = 1,
  kLow = 2,
  kMedium = 3,
  kHigh = 4,
};

// The variations of SPEC.md. The numeric values are stable.
enum class Variation : uint8_t {
  kNone = 0,
  kOutsideRegionUnusualGeoAndAsn = 1,
  kOutsideRegionUnusualGeo = 2,
  kOutsideRegionUnusualAsn = 3,
  kOutsideRegion = 4,
  kOutsideRegionSameCloud = 5,
  kFailedOutsideRegion = 6,
  kLambdaOutsideRegion = 7,
  kForeignVpcEndpoint = 8,
};
inline constexpr int kVariationCount = 9;

// Which resolver gave the home region.
enum class HomeSource : uint8_t {
  kNone = 0,
  kEvent,      // the record names the compute resource
  kInventory,  // the caller's inventory
  kIssuance,   // the AssumeRole record of the credentials
  kLearned,    // where the compute resource's own calls came from
  kOther,      // a resolver supplied by the caller
};

// Where a call came from, as the network locator sees it.
enum class OriginKind : uint8_t {
  kUnknown = 0,
  kInternet,            // outside every cloud range
  kCloud,               // inside a published range of `provider`
  kInternal,            // private, loopback, link-local, shared, ULA
  kVpcEndpoint,         // through a VPC endpoint of the identity's account
  kForeignVpcEndpoint,  // through another account's VPC endpoint
};

// The static lower-case names of the enums above, as written in JSON:
// "not_applicable", "high", "outside_region_unusual_geo", "issuance",
// "internet". Each returns "" for a value that has no name.
absl::string_view OutcomeName(Outcome outcome);
absl::string_view SeverityName(Severity severity);
absl::string_view VariationName(Variation variation);
absl::string_view HomeSourceName(HomeSource source);
absl::string_view OriginKindName(OriginKind kind);

// Parses a severity name ("informational", "low", "medium", "high", any
// case). Returns false, leaving *out alone, for anything else.
bool ParseSeverity(absl::string_view name, Severity* out);

// Parses a variation name as VariationName writes it. Returns false,
// leaving *out alone, for anything else.
bool ParseVariation(absl::string_view name, Variation* out);

// The origin of a call.
struct Origin {
  std::string address;  // as written in the record
  OriginKind kind = OriginKind::kUnknown;
  Provider provider = Provider::kUnknown;  // for kCloud and VPC endpoints
  std::string region;   // cloud region; empty on the internet or GLOBAL
  std::string country;  // ISO 3166 alpha-2; empty when unknown
  uint32_t asn = 0;     // 0 when unknown
  std::string as_org;
  std::string city;  // when the geo data has one; for the explanation
  // Which provider answered, e.g. "libloc": geo_source for the country (or,
  // without one, the ASN), and each attribute's own source.
  std::string geo_source;
  std::string country_source;
  std::string asn_source;
};

struct Verdict {
  Outcome outcome = Outcome::kNotApplicable;
  std::string explanation;  // one line a SOC analyst can read
  // Why the record is invalid; for other outcomes, a problem met on the way
  // that did not stop the judgement (a failed geo lookup).
  std::string error;

  // Set for kAlert and kSuppressed.
  std::string alert_id;      // stable: the same event gives the same id
  std::string duplicate_of;  // kSuppressed: the alert it repeats
  Variation variation = Variation::kNone;
  Severity severity = Severity::kNone;

  // The event, as far as it could be read.
  std::string event_id;
  absl::Time event_time = absl::UnixEpoch();
  std::string event_name;
  std::string account;
  std::string identity;
  IdentityClass identity_class = IdentityClass::kUnknown;
  std::string compute_id;
  std::string error_code;

  // Where the compute runs and where the call came from.
  std::string home_region;
  HomeSource home_source = HomeSource::kNone;
  Origin origin;
  bool unusual_country = false;
  bool unusual_asn = false;
};

// Returns the verdict as one line of JSON (no trailing newline) with
// snake_case keys: outcome, event_id, event_time, alert_id, variation,
// severity, home_region, home_source, origin {...}, explanation, ...
// Absent values are left out.
std::string VerdictToJson(const Verdict& verdict);

}  // namespace offregion

#endif  // OFFREGION_VERDICT_H_
