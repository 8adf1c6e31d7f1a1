// offregion/detector.h: the detector, one event in, one verdict out.
//
// A Detector is built once from Options (periods, severities, reference
// data and the pluggable parts) and then judges events in stream order.
// Each event is classified (is the identity compute-attached?), its home
// region resolved, its origin located and enriched with country and ASN,
// and the rules of SPEC.md decide the outcome; the event is then learned.
// Time is the events' own time, never the wall clock: "now" is the newest
// event time seen, and activation counts from the first call judged. Event
// times before 2006 or from 2100 on are refused as invalid.
//
// Thread safety: Judge and JudgeRecord may be called from several threads
// at once. The steps that read and change the state of identities take one
// lock, so each event sees the state that every earlier call left; stream
// order is the order in which calls take it. Reading the record, locating
// and enriching the source (geo lookups) run before, on the calling
// thread, so a GeoProvider is called from several threads at once; a call
// whose identity the event alone shows not to be compute-attached takes no
// lock at all. "Now" is the newest event time of all threads, and old
// state is swept by it: threads should feed streams of about the same time.
// A caller's inventory runs under the lock and must not call the same
// detector: such a call is refused (an invalid verdict, an error status,
// empty stats) rather than deadlocking, also through other detectors'
// callbacks on the same thread. Two detectors whose callbacks judge with
// each other, entered from opposite ends by two threads at once, wait on
// each other's lock for ever: let callbacks judge only with detectors that
// never come back. A Verdict or Event passed in to be filled belongs to
// the calling thread.
//
//   offregion::Options options;
//   options.activation = absl::ZeroDuration();
//   auto detector = offregion::Detector::Create(std::move(options));
//   if (!detector.ok()) return detector.status();
//   offregion::Verdict v = (*detector)->JudgeRecord(line);

#ifndef OFFREGION_DETECTOR_H_
#define OFFREGION_DETECTOR_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "offregion/event.h"
#include "offregion/geo.h"
#include "offregion/home.h"
#include "offregion/network.h"
#include "offregion/state.h"
#include "offregion/verdict.h"

namespace offregion {

// Returns the default severity of each variation, as SPEC.md lists them,
// indexed by the Variation's value.
std::array<Severity, kVariationCount> DefaultSeverities();

struct Options {
  // No alert until the observed event time spans this long. Default: 14d.
  absl::Duration activation = absl::Hours(24 * 14);
  // Countries and ASNs are remembered this long. Default: 30 days.
  absl::Duration training = absl::Hours(24 * 30);
  // Repeats of an alert key are suppressed this long. Default: 5 days.
  absl::Duration dedup = absl::Hours(24 * 5);

  // Severity of each variation, indexed by Variation. Default: SPEC.md's.
  std::array<Severity, kVariationCount> severities = DefaultSeverities();

  // Cloud ranges. Default: null, meaning the AWS snapshot shipped in the
  // data folder (OFFREGION_DATA_DIR); Create fails if it cannot be read.
  std::shared_ptr<const NetworkLocator> locator;

  // Country and ASN. Default: null, meaning libloc at its default path when
  // use_default_geo is true, or no geo data at all when it is false.
  std::shared_ptr<const GeoProvider> geo;
  // Default: true.
  bool use_default_geo = true;
  // Answers remembered in a GeoCache in front of `geo`; 0 turns the cache
  // off. Default: 65,536.
  size_t geo_cache_entries = 65536;

  // The caller's inventory, asked after the record itself. Default: none.
  std::shared_ptr<const HomeResolver> inventory;
  // How long credentials issued by an AssumeRole record can be used: the
  // record tells the home region of calls made that long after it, and is
  // then forgotten. 12 hours is the longest role session AWS grants.
  // Who chose a session name is remembered for the training period.
  // Default: 12 hours.
  absl::Duration credential_lifetime = absl::Hours(12);
  // Whether AssumeRole records and learned regions resolve home regions.
  // Default: true for both.
  bool resolve_by_issuance = true;
  bool resolve_by_learning = true;

  // Stores. Default: null, meaning bounded in-memory ones built with the
  // limits below.
  std::shared_ptr<ProfileStore> profiles;
  std::shared_ptr<DedupCache> dedup_cache;

  // Bounds of the default stores. Default: 1,000,000 identities with at
  // most 512 countries plus ASNs each; 1,000,000 dedup keys.
  ProfileStoreLimits profile_limits;
  size_t max_dedup_entries = 1'000'000;

  // Bounds of the detector's own tables (session issuers, issued
  // credentials, learned regions), each: past it the entries seen longest
  // ago are forgotten. Default: 1,000,000.
  size_t max_tracked_sessions = 1'000'000;
};

// What a detector holds, and what it forgot to stay within its bounds.
struct DetectorStats {
  size_t identities = 0;        // profiles held
  size_t dedup_entries = 0;     // alert keys held
  size_t tracked_sessions = 0;  // session issuers plus issued credentials
  size_t learned_computes = 0;  // compute resources with learned regions
  uint64_t evicted_profile_entries = 0;  // countries and ASNs forgotten
  uint64_t evicted_dedup_entries = 0;
  uint64_t evicted_sessions = 0;
  uint64_t evicted_learned = 0;
  GeoCacheStats geo_cache;
};

class Detector {
 public:
  // Returns a detector, or InvalidArgument for negative periods, or the
  // error of loading a default that was asked for (the AWS ranges, libloc).
  static absl::StatusOr<std::unique_ptr<Detector>> Create(Options options);

  virtual ~Detector() = default;

  // Judges one event and then learns from it. Always returns a verdict.
  Verdict Judge(const Event& event) {
    Verdict verdict;
    Judge(event, &verdict);
    return verdict;
  }

  // The same into *verdict (the caller's; not null), replacing every
  // field. Its strings keep their memory: a caller that judges a stream
  // with one Verdict saves an allocation for most fields of most events.
  virtual void Judge(const Event& event, Verdict* verdict) = 0;

  // Parses one CloudTrail record and judges it. A record that cannot be
  // read gets an kInvalid verdict whose `error` says why.
  Verdict JudgeRecord(absl::string_view json) {
    Verdict verdict;
    JudgeRecord(json, &verdict);
    return verdict;
  }

  // The same into *verdict (the caller's; not null), replacing every field.
  virtual void JudgeRecord(absl::string_view json, Verdict* verdict) = 0;

  // Returns the newest event time seen (the watermark), or InfinitePast.
  virtual absl::Time watermark() const = 0;

  // Returns the counters of the geo cache (all zero when it is off).
  virtual GeoCacheStats geo_cache_stats() const = 0;

  // Returns the sizes and eviction counters of the detector's state.
  virtual DetectorStats stats() const = 0;

  // Writes the whole state (activation clock, watermark, profiles, issuance
  // records, learned regions, dedup entries) to `path`, replacing the file
  // atomically: a crash leaves the old snapshot or the new one. Errors name
  // the file.
  virtual absl::Status Save(const std::string& path) const = 0;

  // Reads the snapshot at `path` into this detector. Returns NotFound when
  // there is no file; DataLoss for a corrupt, truncated or foreign file and
  // FailedPrecondition for another format version, leaving the state
  // untouched; FailedPrecondition as well when this detector has already
  // judged a call. Errors name the file.
  virtual absl::Status Load(const std::string& path) = 0;

  // The same, to and from bytes in memory.
  virtual std::string SaveToString() const = 0;
  virtual absl::Status LoadFromString(absl::string_view bytes) = 0;
};

}  // namespace offregion

#endif  // OFFREGION_DETECTOR_H_
