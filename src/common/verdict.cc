// The names of the verdict enums and the JSON form of a verdict.

#include "offregion/verdict.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "src/common/json_writer.h"

namespace offregion {
namespace {

constexpr absl::string_view kOutcomeNames[] = {
    "not_applicable", "in_region",  "learning", "unresolved",
    "alert",          "suppressed", "invalid"};
constexpr absl::string_view kSeverityNames[] = {"", "informational", "low",
                                                "medium", "high"};
constexpr absl::string_view kVariationNames[] = {
    "",
    "outside_region_unusual_geo_and_asn",
    "outside_region_unusual_geo",
    "outside_region_unusual_asn",
    "outside_region",
    "outside_region_same_cloud",
    "failed_outside_region",
    "lambda_outside_region",
    "foreign_vpc_endpoint"};
constexpr absl::string_view kHomeSourceNames[] = {
    "", "event", "inventory", "issuance", "learned", "other"};
constexpr absl::string_view kOriginKindNames[] = {
    "",         "internet",     "cloud",
    "internal", "vpc_endpoint", "foreign_vpc_endpoint"};

template <size_t N>
absl::string_view NameAt(const absl::string_view (&names)[N], size_t index) {
  return index < N ? names[index] : absl::string_view();
}

void WriteOrigin(const Origin& origin, internal::JsonWriter* json) {
  json->BeginObject("origin");
  json->String("address", origin.address);
  json->String("kind", OriginKindName(origin.kind));
  if (origin.provider != Provider::kUnknown) {
    json->String("provider", ProviderName(origin.provider));
  }
  json->String("region", origin.region);
  json->String("country", origin.country);
  if (origin.asn != 0) json->Number("asn", origin.asn);
  json->String("as_org", origin.as_org);
  json->String("city", origin.city);
  json->String("geo_source", origin.geo_source);
  json->String("country_source", origin.country_source);
  json->String("asn_source", origin.asn_source);
  json->EndObject();
}

}  // namespace

absl::string_view OutcomeName(Outcome outcome) {
  return NameAt(kOutcomeNames, static_cast<size_t>(outcome));
}
absl::string_view SeverityName(Severity severity) {
  return NameAt(kSeverityNames, static_cast<size_t>(severity));
}
absl::string_view VariationName(Variation variation) {
  return NameAt(kVariationNames, static_cast<size_t>(variation));
}
absl::string_view HomeSourceName(HomeSource source) {
  return NameAt(kHomeSourceNames, static_cast<size_t>(source));
}
absl::string_view OriginKindName(OriginKind kind) {
  return NameAt(kOriginKindNames, static_cast<size_t>(kind));
}

bool ParseSeverity(absl::string_view name, Severity* out) {
  const std::string lower = absl::AsciiStrToLower(name);
  for (size_t i = 1; i < std::size(kSeverityNames); ++i) {
    if (lower == kSeverityNames[i]) {
      *out = static_cast<Severity>(i);
      return true;
    }
  }
  return false;
}

bool ParseVariation(absl::string_view name, Variation* out) {
  for (size_t i = 1; i < std::size(kVariationNames); ++i) {
    if (name == kVariationNames[i]) {
      *out = static_cast<Variation>(i);
      return true;
    }
  }
  return false;
}

std::string VerdictToJson(const Verdict& v) {
  internal::JsonWriter json;
  json.String("outcome", OutcomeName(v.outcome));
  json.String("event_id", v.event_id);
  if (v.event_time != absl::UnixEpoch()) {
    json.String("event_time",
                absl::FormatTime("%E4Y-%m-%dT%H:%M:%E*SZ", v.event_time,
                                 absl::UTCTimeZone()));
  }
  json.String("event_name", v.event_name);
  json.String("alert_id", v.alert_id);
  json.String("duplicate_of", v.duplicate_of);
  json.String("variation", VariationName(v.variation));
  json.String("severity", SeverityName(v.severity));
  json.String("account", v.account);
  json.String("identity", v.identity);
  json.String("identity_class", IdentityClassName(v.identity_class));
  json.String("compute_id", v.compute_id);
  json.String("home_region", v.home_region);
  json.String("home_source", HomeSourceName(v.home_source));
  if (!v.origin.address.empty() || v.origin.kind != OriginKind::kUnknown) {
    WriteOrigin(v.origin, &json);
  }
  if (v.outcome == Outcome::kAlert || v.outcome == Outcome::kSuppressed) {
    json.Bool("unusual_country", v.unusual_country);
    json.Bool("unusual_asn", v.unusual_asn);
  }
  json.String("error_code", v.error_code);
  json.String("error", v.error);
  json.String("explanation", v.explanation);
  return json.Finish();
}

}  // namespace offregion
