// offregion/state.h: what the detector remembers between events.
//
// Profiles hold, per identity, the last event time each country and ASN was
// seen; the dedup cache holds, per alert key, the last alert raised. Both
// are interfaces so that a pipeline can share them or back them with its
// own store; the in-memory defaults are bounded in size and evict the
// entries seen longest ago (an identity's oldest country or ASN first, then
// the identities seen longest ago; dedup keys alerted longest ago), counting
// what they evict. Any implementation must pass the shared suite in
// tests/state/store_suite.h. The detector calls a store from one thread at a
// time; a store shared between detectors must do its own locking.
//
//   options.profiles = offregion::NewInMemoryProfileStore({.max_identities =
//                                                          100000});

#ifndef OFFREGION_STATE_H_
#define OFFREGION_STATE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "offregion/verdict.h"

namespace offregion {

class ProfileStore {
 public:
  virtual ~ProfileStore() = default;

  // Returns the last event time `identity` called from `country`, or
  // absl::InfinitePast() when never (or forgotten).
  virtual absl::Time LastSeenCountry(absl::string_view identity,
                                     absl::string_view country) const = 0;

  // Returns the last event time `identity` called from `asn`, or
  // absl::InfinitePast().
  virtual absl::Time LastSeenAsn(absl::string_view identity,
                                 uint32_t asn) const = 0;

  // Records a successful call of `identity` at `time` from `country` and
  // `asn`; an empty country or a zero ASN is not recorded. A time older
  // than the one held never moves an entry back.
  virtual void Record(absl::string_view identity, absl::string_view country,
                      uint32_t asn, absl::Time time) = 0;

  // Drops every entry last seen before `cutoff`, and identities left empty.
  virtual void Expire(absl::Time cutoff) = 0;

  // Returns the number of identities held.
  virtual size_t size() const = 0;

  // Returns how many entries (countries and ASNs) were forgotten to stay
  // within the limits, not counting expiry.
  virtual uint64_t evicted() const = 0;

  // What one identity's profile holds, for snapshots.
  struct Entries {
    std::vector<std::pair<std::string, absl::Time>> countries;
    std::vector<std::pair<uint32_t, absl::Time>> asns;
  };

  // Calls fn(identity, entries) once for every identity held, in no order.
  // The store must not be changed during the walk.
  virtual void ForEach(absl::FunctionRef<void(absl::string_view identity,
                                              const Entries& entries)>
                           fn) const = 0;
};

struct ProfileStoreLimits {
  // Identities held; past it, those seen longest ago are forgotten.
  // Default: 1,000,000.
  size_t max_identities = 1'000'000;
  // Countries plus ASNs held per identity; past it, the oldest go.
  // Default: 512.
  size_t max_entries_per_identity = 512;
};

// Returns the default in-memory profile store. The caller owns it.
std::unique_ptr<ProfileStore> NewInMemoryProfileStore(
    ProfileStoreLimits limits = {});

// The last alert raised for a dedup key (account, identity, compute id).
struct DedupEntry {
  std::string alert_id;
  Severity severity = Severity::kNone;
  absl::Time time;
};

class DedupCache {
 public:
  virtual ~DedupCache() = default;

  // Returns the entry of `key`, or nullopt.
  virtual std::optional<DedupEntry> Find(absl::string_view key) const = 0;

  // Sets the entry of `key`, replacing any.
  virtual void Put(absl::string_view key, DedupEntry entry) = 0;

  // Drops entries whose alert is older than `cutoff`.
  virtual void Expire(absl::Time cutoff) = 0;

  // Returns the number of entries held.
  virtual size_t size() const = 0;

  // Returns how many entries were forgotten to stay within the limit, not
  // counting expiry.
  virtual uint64_t evicted() const = 0;

  // Calls fn(key, entry) once for every entry held, in no order. The cache
  // must not be changed during the walk.
  virtual void ForEach(
      absl::FunctionRef<void(absl::string_view key, const DedupEntry& entry)>
          fn) const = 0;
};

// Returns the default in-memory dedup cache holding at most `max_entries`
// keys (default 1,000,000); past it, the oldest alerts are forgotten. The
// caller owns it.
std::unique_ptr<DedupCache> NewInMemoryDedupCache(
    size_t max_entries = 1'000'000);

}  // namespace offregion

#endif  // OFFREGION_STATE_H_
