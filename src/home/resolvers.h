// The detector's own home-region resolvers: the record itself, the
// issuance of the credentials, and the region learned from the compute
// resource's own calls. Not thread-safe: the detector serialises calls.

#ifndef OFFREGION_SRC_HOME_RESOLVERS_H_
#define OFFREGION_SRC_HOME_RESOLVERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "offregion/event.h"
#include "src/state/bounded_map.h"

namespace offregion::internal {

// Returns true when `name` is an EC2 instance id: "i-" and 8 or 17 hex
// digits.
bool IsInstanceId(absl::string_view name);

// Returns `name` in lower case when it has the shape of a cloud region
// ("us-east-1", "ap-southeast-2", "us-gov-west-1", "us-central1"): letters,
// digits and dashes, starting with a letter, with at least one dash, at
// most 40 characters. Returns "" for anything else.
std::string NormalizeRegion(absl::string_view name);

// Returns the region field of an ARN ("arn:aws:lambda:eu-west-1:..."), or
// "" when `arn` is not an ARN or names no region.
absl::string_view ArnRegion(absl::string_view arn);

// Returns the home region that the record itself names for `compute_id`:
// the function ARN of inScopeOf, or an AWS::EC2::Instance resource whose
// instance id is `compute_id`. Empty when it names none.
std::string RegionFromRecord(const Event& event, IdentityClass identity_class,
                             absl::string_view compute_id);

// The credential issuances seen, by account, role and session name, in two
// tables: who chose each session name (kept for the training period, for
// classification) and the issued credentials with their region (kept for
// the credentials' lifetime, for the home region).
class IssuanceTable {
 public:
  struct Entry {
    std::string issuer;
    std::string region;
    std::string access_key_id;
    absl::Time time;
  };

  // Each table holds at most `max_entries` sessions.
  explicit IssuanceTable(size_t max_entries)
      : issuers_(max_entries), credentials_(max_entries) {}

  // Remembers `issuance`, seen at `time`; a later one for the same
  // session replaces it.
  void Add(const Issuance& issuance, absl::Time time);

  // Returns who chose the session name last, or null.
  const Entry* FindIssuer(absl::string_view account, absl::string_view role,
                          absl::string_view session_name) const;

  // Returns the latest issuance of the session's credentials, or null.
  const Entry* FindCredentials(absl::string_view account,
                               absl::string_view role,
                               absl::string_view session_name) const;

  // Forgets issuers seen before `issuer_cutoff` and credentials issued
  // before `credential_cutoff`.
  void Expire(absl::Time issuer_cutoff, absl::Time credential_cutoff);

  // Returns how many sessions were forgotten to stay within the bound.
  uint64_t evicted() const {
    return issuers_.evicted() + credentials_.evicted();
  }
  size_t size() const { return issuers_.size() + credentials_.size(); }

  // For snapshots: walk the tables, and put entries back.
  template <typename Fn>
  void ForEachIssuer(Fn fn) const {
    issuers_.ForEach([&](const std::string& key, const Entry& e, absl::Time) {
      fn(key, e);
    });
  }
  template <typename Fn>
  void ForEachCredential(Fn fn) const {
    credentials_.ForEach([&](const std::string& key, const Entry& e,
                             absl::Time) { fn(key, e); });
  }
  void RestoreIssuer(absl::string_view key, Entry entry);
  void RestoreCredential(absl::string_view key, Entry entry);

 private:
  BoundedMap<Entry> issuers_;
  BoundedMap<Entry> credentials_;
};

// Where each compute resource's own calls came from, by region and day.
class LearnedRegions {
 public:
  explicit LearnedRegions(size_t max_entries) : computes_(max_entries) {}

  // Counts one successful call of the compute resource from `region`.
  void Record(absl::string_view account, absl::string_view compute_id,
              absl::string_view region, absl::Time time);

  // Returns the region counted most often at or after `since` (the latest
  // one on a tie), or "" when none.
  std::string MostFrequent(absl::string_view account,
                           absl::string_view compute_id,
                           absl::Time since) const;

  // Forgets counts older than `cutoff`.
  void Expire(absl::Time cutoff);

  size_t size() const { return computes_.size(); }
  uint64_t evicted() const { return computes_.evicted(); }

  struct DayCount {
    std::string region;
    int64_t day;  // days since the Unix epoch
    uint32_t count;
  };

  // For snapshots: fn(key, day_count) for every count held, and putting
  // counts back.
  template <typename Fn>
  void ForEach(Fn fn) const {
    computes_.ForEach([&](const std::string& key,
                          const std::vector<DayCount>& days, absl::Time) {
      for (const DayCount& d : days) fn(key, d);
    });
  }
  void Restore(absl::string_view key, DayCount count);

 private:
  // Most recent last; at most kMaxDays entries per compute resource.
  static constexpr size_t kMaxEntries = 128;
  BoundedMap<std::vector<DayCount>> computes_;
};

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_HOME_RESOLVERS_H_
