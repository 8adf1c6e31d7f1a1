// GeoChain: several providers asked in order, each attribute on its own.

#include <utility>

#include "absl/status/status.h"
#include "offregion/geo.h"

namespace offregion {
namespace {

// Takes what `from` knows that `into` lacks. Returns true when `into` then
// has both a country and an ASN.
bool FillIn(const GeoInfo& from, GeoInfo* into) {
  if (into->country.empty() && !from.country.empty()) {
    into->country = from.country;
    into->country_source =
        from.country_source.empty() ? from.source : from.country_source;
    into->city = from.city;
    into->has_location = from.has_location;
    into->latitude = from.latitude;
    into->longitude = from.longitude;
  }
  if (into->asn == 0 && from.asn != 0) {
    into->asn = from.asn;
    into->as_org = from.as_org;
    into->asn_source = from.asn_source.empty() ? from.source : from.asn_source;
  }
  return !into->country.empty() && into->asn != 0;
}

}  // namespace

GeoChain::GeoChain(std::vector<std::shared_ptr<const GeoProvider>> providers)
    : providers_(std::move(providers)) {}

absl::StatusOr<GeoInfo> GeoChain::Lookup(const IpAddress& address) const {
  GeoInfo info;
  absl::Status first_error;
  size_t failed = 0;
  for (const auto& provider : providers_) {
    absl::StatusOr<GeoInfo> answer = provider->Lookup(address);
    if (!answer.ok()) {
      if (failed++ == 0) first_error = answer.status();
      continue;
    }
    if (FillIn(*answer, &info)) break;
  }
  if (failed > 0 && failed == providers_.size()) return first_error;
  info.source =
      !info.country_source.empty() ? info.country_source : info.asn_source;
  return info;
}

}  // namespace offregion
