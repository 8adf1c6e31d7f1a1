// Explanations a SOC analyst can read in one line.

#include "src/detect/explain.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace offregion::internal {
namespace {

std::string Where(const Origin& origin) {
  switch (origin.kind) {
    case OriginKind::kInternet:
      return "internet";
    case OriginKind::kCloud:
      return absl::StrCat(
          ProviderName(origin.provider), " ",
          origin.region.empty() ? "global range" : origin.region);
    case OriginKind::kInternal:
      return "internal address";
    case OriginKind::kVpcEndpoint:
      return absl::StrCat("own VPC endpoint in ", origin.region);
    case OriginKind::kForeignVpcEndpoint:
      return "another account's VPC endpoint";
    case OriginKind::kUnknown:
      break;
  }
  return "unknown";
}

std::string Compute(const Verdict& v) {
  return absl::StrCat(IdentityClassName(v.identity_class), " ", v.compute_id,
                      " (", v.identity, ")");
}

std::string Home(const Verdict& v) {
  return absl::StrCat(v.home_region, " (from ", HomeSourceName(v.home_source),
                      ")");
}

std::string Unusual(const Verdict& v, absl::Duration training) {
  std::vector<std::string> parts;
  if (v.unusual_country) parts.push_back("country " + v.origin.country);
  if (v.unusual_asn) parts.push_back(absl::StrCat("AS", v.origin.asn));
  if (parts.empty()) return "";
  return absl::StrFormat("; %s not seen for this identity in the last %g days",
                         absl::StrJoin(parts, " and "),
                         absl::ToDoubleHours(training) / 24);
}

}  // namespace

std::string DescribeOrigin(const Origin& origin) {
  std::vector<std::string> parts = {Where(origin)};
  if (!origin.country.empty()) {
    parts.push_back(origin.city.empty()
                        ? origin.country
                        : absl::StrCat(origin.city, ", ", origin.country));
  }
  if (origin.asn != 0) {
    parts.push_back(origin.as_org.empty()
                        ? absl::StrCat("AS", origin.asn)
                        : absl::StrCat("AS", origin.asn, " ", origin.as_org));
  }
  return absl::StrCat(origin.address, " (", absl::StrJoin(parts, ", "), ")");
}

void Explain(const Verdict& v, absl::Duration training, std::string* out) {
  if (v.outcome == Outcome::kInRegion) {  // the common case: short, cheap
    const absl::string_view source = HomeSourceName(v.home_source);
    out->append("inside home region ")
        .append(v.home_region)
        .append(" (from ")
        .append(source.data(), source.size())
        .append(")");
    return;
  }
  const std::string call =
      absl::StrCat(v.event_name.empty() ? "a call" : v.event_name, " from ",
                   DescribeOrigin(v.origin));
  switch (v.outcome) {
    case Outcome::kLearning:
      absl::StrAppend(out, Compute(v), ": ", call,
                      "; activation period not reached, learning");
      return;
    case Outcome::kUnresolved:
      absl::StrAppend(out, Compute(v), ": ", call,
                      "; home region unknown (no record, inventory, "
                      "issuance or learned region names it)");
      return;
    case Outcome::kAlert:
    case Outcome::kSuppressed:
      break;
    default:
      return;
  }
  absl::StrAppend(
      out, Compute(v), ": ", call, " outside home region ", Home(v),
      v.error_code.empty() ? "" : absl::StrCat(", failed with ", v.error_code),
      Unusual(v, training));
  if (v.outcome == Outcome::kSuppressed) {
    absl::StrAppend(out, "; repeats alert ", v.duplicate_of);
  }
}

}  // namespace offregion::internal
