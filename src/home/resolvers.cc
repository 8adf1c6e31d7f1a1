// The record, issuance and learned home-region resolvers.

#include "src/home/resolvers.h"

#include <algorithm>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/common/join_key.h"

namespace offregion::internal {
namespace {

int64_t DayOf(absl::Time time) {
  return absl::ToUnixSeconds(time) / 86400 -
         (absl::ToUnixSeconds(time) % 86400 < 0 ? 1 : 0);
}

// The keys below are built in a buffer of the calling thread, so that a
// lookup allocates nothing; the view is valid until the thread's next call.
absl::string_view SessionKey(absl::string_view account, absl::string_view role,
                             absl::string_view session_name) {
  thread_local std::string key;
  return JoinKey(&key, account, role, session_name);
}

absl::string_view ComputeKey(absl::string_view account,
                             absl::string_view compute_id) {
  thread_local std::string key;
  return JoinKey(&key, account, compute_id);
}

}  // namespace

bool IsInstanceId(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "i-")) return false;
  if (name.size() != 8 && name.size() != 17) return false;
  for (char c : name) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string NormalizeRegion(absl::string_view name) {
  if (name.empty() || name.size() > 40 ||
      !absl::ascii_isalpha(static_cast<unsigned char>(name[0])) ||
      !absl::StrContains(name, '-')) {
    return "";
  }
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_isalnum(u) && c != '-') return "";
  }
  return absl::AsciiStrToLower(name);
}

absl::string_view ArnRegion(absl::string_view arn) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(arn, absl::MaxSplits(':', 4));
  if (parts.size() < 5 || parts[0] != "arn") return "";
  return parts[3];
}

std::string RegionFromRecord(const Event& event, IdentityClass identity_class,
                             absl::string_view compute_id) {
  if (identity_class == IdentityClass::kAwsLambda) {
    return std::string(ArnRegion(event.scope_issued_to));
  }
  if (identity_class != IdentityClass::kAwsEc2) return "";
  for (const std::string& arn : event.instance_arns) {
    if (absl::EndsWith(arn, absl::StrCat("instance/", compute_id))) {
      return std::string(ArnRegion(arn));
    }
  }
  return "";
}

void IssuanceTable::Add(const Issuance& issuance, absl::Time time) {
  const std::string key(
      SessionKey(issuance.account, issuance.role, issuance.session_name));
  Entry entry{issuance.issuer, issuance.region, issuance.access_key_id, time};
  Entry& issuer = issuers_.Upsert(key, time);
  if (issuer.issuer.empty() || time >= issuer.time) {
    issuer = Entry{issuance.issuer, "", "", time};
  }
  Entry& credentials = credentials_.Upsert(key, time);
  if (credentials.issuer.empty() || time >= credentials.time) {
    credentials = std::move(entry);
  }
}

const IssuanceTable::Entry* IssuanceTable::FindIssuer(
    absl::string_view account, absl::string_view role,
    absl::string_view session_name) const {
  return issuers_.Find(SessionKey(account, role, session_name));
}

const IssuanceTable::Entry* IssuanceTable::FindCredentials(
    absl::string_view account, absl::string_view role,
    absl::string_view session_name) const {
  return credentials_.Find(SessionKey(account, role, session_name));
}

void IssuanceTable::Expire(absl::Time issuer_cutoff,
                           absl::Time credential_cutoff) {
  issuers_.EraseIf(
      [issuer_cutoff](const std::string&, const Entry& e, absl::Time) {
        return e.time < issuer_cutoff;
      });
  credentials_.EraseIf(
      [credential_cutoff](const std::string&, const Entry& e, absl::Time) {
        return e.time < credential_cutoff;
      });
}

void IssuanceTable::RestoreIssuer(absl::string_view key, Entry entry) {
  const absl::Time time = entry.time;
  issuers_.Upsert(key, time) = std::move(entry);
}

void IssuanceTable::RestoreCredential(absl::string_view key, Entry entry) {
  const absl::Time time = entry.time;
  credentials_.Upsert(key, time) = std::move(entry);
}

void LearnedRegions::Record(absl::string_view account,
                            absl::string_view compute_id,
                            absl::string_view region, absl::Time time) {
  std::vector<DayCount>& days =
      computes_.Upsert(ComputeKey(account, compute_id), time);
  const int64_t day = DayOf(time);
  for (DayCount& d : days) {
    if (d.day == day && d.region == region) {
      ++d.count;
      return;
    }
  }
  days.push_back(DayCount{std::string(region), day, 1});
  if (days.size() > kMaxEntries) {
    auto oldest = std::min_element(
        days.begin(), days.end(),
        [](const DayCount& a, const DayCount& b) { return a.day < b.day; });
    days.erase(oldest);
  }
}

std::string LearnedRegions::MostFrequent(absl::string_view account,
                                         absl::string_view compute_id,
                                         absl::Time since) const {
  const std::vector<DayCount>* days =
      computes_.Find(ComputeKey(account, compute_id));
  if (days == nullptr) return "";
  const int64_t first_day = DayOf(since);
  // A compute resource calls from very few regions: sum them in place.
  struct Total {
    absl::string_view region;
    uint64_t count;
    int64_t latest;
  };
  absl::InlinedVector<Total, 4> totals;
  for (const DayCount& d : *days) {
    if (d.day < first_day) continue;
    auto it = std::find_if(totals.begin(), totals.end(), [&](const Total& t) {
      return t.region == d.region;
    });
    if (it == totals.end()) {
      totals.push_back(Total{d.region, d.count, d.day});
    } else {
      it->count += d.count;
      it->latest = std::max(it->latest, d.day);
    }
  }
  const Total* best = nullptr;
  for (const Total& t : totals) {
    if (best == nullptr || t.count > best->count ||
        (t.count == best->count &&
         (t.latest > best->latest ||
          (t.latest == best->latest && t.region < best->region)))) {
      best = &t;
    }
  }
  return best == nullptr ? "" : std::string(best->region);
}

void LearnedRegions::Restore(absl::string_view key, DayCount count) {
  const absl::Time time = absl::FromUnixSeconds(count.day * 86400);
  std::vector<DayCount>& days = computes_.Upsert(key, time);
  if (days.size() < kMaxEntries) days.push_back(std::move(count));
}

void LearnedRegions::Expire(absl::Time cutoff) {
  const int64_t first_day = DayOf(cutoff);
  computes_.EraseIf(
      [first_day](const std::string&, std::vector<DayCount>& days, absl::Time) {
        std::erase_if(
            days, [first_day](const DayCount& d) { return d.day < first_day; });
        return days.empty();
      });
}

}  // namespace offregion::internal
