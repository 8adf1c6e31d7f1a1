// The Detector: classify, home, origin, enrich, decide, dedup, learn.

#include "offregion/detector.h"

#include <atomic>
#include <cstdlib>
#include <limits>
#include <optional>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "offregion/cloudtrail.h"
#include "offregion/config.h"
#include "src/common/join_key.h"
#include "src/common/mutex.h"
#include "src/detect/classify.h"
#include "src/detect/explain.h"
#include "src/detect/snapshot.h"
#include "src/home/resolvers.h"

namespace offregion {
namespace {

using internal::Classification;

// How often, in event time, old state is swept out. Judging never relies
// on the sweep (every lookup checks its own window), so a day is enough.
constexpr absl::Duration kExpiryInterval = absl::Hours(24);

// Event times outside [kEarliestEventTime, kLatestEventTime) are refused:
// no cloud audit log is older than 2006, and a record from far in the
// future would move "now" for every identity at once.
const absl::Time kEarliestEventTime =
    absl::FromCivil(absl::CivilDay(2006, 1, 1), absl::UTCTimeZone());
const absl::Time kLatestEventTime =
    absl::FromCivil(absl::CivilDay(2100, 1, 1), absl::UTCTimeZone());

// Returns a stable id for an alert on `event`: the same record always gets
// the same id (FNV-1a over the identifying fields).
std::string AlertId(const Event& event, absl::string_view key) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  auto mix = [&hash](absl::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0xff;
    hash *= 0x100000001b3ULL;
  };
  mix(key);
  mix(event.event_id);
  mix(absl::StrCat(absl::ToUnixNanos(event.time)));
  return absl::StrFormat("oa-%016x", hash);
}

// The detectors this thread is judging with: a chain of marks that live
// on the stack of the Judge calls, innermost first. A caller's callback (an
// inventory or geo lookup) runs while its detector is judging, perhaps
// holding its lock; it may judge with another detector, but a call back
// into any detector of the chain, directly or through other detectors'
// callbacks, is refused instead of deadlocking.
struct JudgingMark;
thread_local const JudgingMark* innermost_mark = nullptr;

struct JudgingMark {
  explicit JudgingMark(const Detector* judging)
      : detector(judging), outer(innermost_mark) {
    innermost_mark = this;
  }
  JudgingMark(const JudgingMark&) = delete;
  JudgingMark& operator=(const JudgingMark&) = delete;
  ~JudgingMark() { innermost_mark = outer; }  // also when a callback throws

  const Detector* const detector;
  const JudgingMark* const outer;
};

// Returns true when this thread is judging with `detector`.
bool Judging(const Detector* detector) {
  for (const JudgingMark* m = innermost_mark; m != nullptr; m = m->outer) {
    if (m->detector == detector) return true;
  }
  return false;
}

// Records longer than this are not kept in a thread's reused Event.
constexpr size_t kLargeRecord = 64 << 10;

constexpr absl::string_view kReentered =
    "the detector was called from inside one of its own callbacks";

// Resets *origin to `address` alone, keeping its strings' memory.
void StartOrigin(const std::string& address, Origin* origin) {
  origin->address = address;
  origin->kind = OriginKind::kUnknown;
  origin->provider = Provider::kUnknown;
  origin->region.clear();
  origin->country.clear();
  origin->asn = 0;
  origin->as_org.clear();
  origin->city.clear();
  origin->geo_source.clear();
  origin->country_source.clear();
  origin->asn_source.clear();
}

// Replaces every field of *v with what `event` gives before judging,
// keeping the strings' memory: a caller that reuses one Verdict for a
// stream allocates little.
void StartVerdict(const Event& event, Verdict* v) {
  v->outcome = Outcome::kNotApplicable;
  v->explanation.clear();
  v->error.clear();
  v->alert_id.clear();
  v->duplicate_of.clear();
  v->variation = Variation::kNone;
  v->severity = Severity::kNone;
  v->event_id = event.event_id;
  v->event_time = event.time;
  v->event_name = event.event_name;
  v->account = event.account;
  v->identity = event.identity;
  v->identity_class = IdentityClass::kUnknown;
  v->compute_id.clear();
  v->error_code = event.error_code;
  v->home_region.clear();
  v->home_source = HomeSource::kNone;
  StartOrigin(event.source, &v->origin);
  v->unusual_country = false;
  v->unusual_asn = false;
}

bool IsInside(const Origin& origin, Provider home_provider,
              const std::string& home_region) {
  switch (origin.kind) {
    case OriginKind::kInternal:
      return true;
    case OriginKind::kVpcEndpoint:
    case OriginKind::kCloud:
      return origin.provider == home_provider && !origin.region.empty() &&
             origin.region == home_region;
    default:
      return false;
  }
}

Variation ChooseVariation(const Verdict& v, Provider home_provider) {
  if (!v.error_code.empty()) return Variation::kFailedOutsideRegion;
  if (v.origin.kind == OriginKind::kForeignVpcEndpoint) {
    return Variation::kForeignVpcEndpoint;
  }
  if (v.identity_class == IdentityClass::kAwsLambda) {
    return Variation::kLambdaOutsideRegion;
  }
  if (v.unusual_country && v.unusual_asn) {
    return Variation::kOutsideRegionUnusualGeoAndAsn;
  }
  if (v.unusual_country) return Variation::kOutsideRegionUnusualGeo;
  if (v.unusual_asn) return Variation::kOutsideRegionUnusualAsn;
  if (v.origin.kind == OriginKind::kCloud &&
      v.origin.provider == home_provider) {
    return Variation::kOutsideRegionSameCloud;
  }
  return Variation::kOutsideRegion;
}

// The event-time clock: the time of the first call judged (activation
// counts from it, so an old record arriving late cannot cut the activation
// period short) and the newest event time seen. Threads move it without
// the detector's lock, so that calls that need no other state take no
// lock at all.
class EventClock {
 public:
  // Moves the clock to `time` (within the years a record may have).
  // Returns true when a sweep of old state is due.
  bool Observe(absl::Time time) {
    const int64_t t = absl::ToUnixNanos(time);
    // Loads before any write, so that threads share the lines read-only.
    int64_t first = first_.load(std::memory_order_relaxed);
    if (first == kUnset) {
      first_.compare_exchange_strong(first, t, std::memory_order_relaxed);
    }
    int64_t newest = watermark_.load(std::memory_order_relaxed);
    while (newest < t && !watermark_.compare_exchange_weak(
                             newest, t, std::memory_order_relaxed)) {
    }
    return std::max(newest, t) >= next_sweep_.load(std::memory_order_relaxed);
  }

  // Returns the first call's time, or InfiniteFuture before any.
  absl::Time first() const {
    const int64_t t = first_.load(std::memory_order_relaxed);
    return t == kUnset ? absl::InfiniteFuture() : absl::FromUnixNanos(t);
  }

  // Returns the newest event time seen, or InfinitePast before any.
  absl::Time watermark() const {
    const int64_t t = watermark_.load(std::memory_order_relaxed);
    return t == kNone ? absl::InfinitePast() : absl::FromUnixNanos(t);
  }

  // Sets both times, as a snapshot holds them; the next event sweeps.
  void Set(absl::Time first, absl::Time watermark) {
    first_.store(
        first == absl::InfiniteFuture() ? kUnset : absl::ToUnixNanos(first),
        std::memory_order_relaxed);
    watermark_.store(watermark == absl::InfinitePast()
                         ? kNone
                         : absl::ToUnixNanos(watermark),
                     std::memory_order_relaxed);
    next_sweep_.store(kNone, std::memory_order_relaxed);
  }

  // Marks the next sweep due once the watermark reaches `time`.
  void set_next_sweep(absl::Time time) {
    next_sweep_.store(absl::ToUnixNanos(time), std::memory_order_relaxed);
  }

 private:
  static constexpr int64_t kUnset = std::numeric_limits<int64_t>::max();
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
  std::atomic<int64_t> first_{kUnset};
  std::atomic<int64_t> watermark_{kNone};
  std::atomic<int64_t> next_sweep_{kNone};
};

class DetectorImpl : public Detector {
 public:
  DetectorImpl(Options options, std::shared_ptr<const GeoCache> cache)
      : options_(std::move(options)),
        cache_(std::move(cache)),
        issuances_(std::max<size_t>(1, options_.max_tracked_sessions)),
        learned_(std::max<size_t>(1, options_.max_tracked_sessions)) {}

  using Detector::Judge;
  using Detector::JudgeRecord;

  // Judging takes the lock only for the steps that read or change the
  // state, and only for calls that may be a compute resource's or that
  // issue credentials: locating and enriching the source comes before (the
  // locator and the geo providers are thread-safe), the explanation after.
  void Judge(const Event& event, Verdict* v) override {
    StartVerdict(event, v);
    if (Reentered()) {
      v->outcome = Outcome::kInvalid;
      v->error = std::string(kReentered);
      v->explanation = v->error;
      return;
    }
    if (event.kind == RecordKind::kNotACall) {
      v->explanation = event.not_a_call_reason;
      return;
    }
    if (event.time < kEarliestEventTime || event.time >= kLatestEventTime) {
      v->outcome = Outcome::kInvalid;
      v->error = absl::StrCat("eventTime ",
                              absl::FormatTime("%E4Y-%m-%dT%H:%M:%SZ",
                                               event.time, absl::UTCTimeZone()),
                              " is outside 2006-01-01..2100-01-01");
      v->explanation = absl::StrCat("record could not be judged: ", v->error);
      return;
    }
    const bool sweep_due = clock_.Observe(event.time);
    if (!sweep_due && !event.issuance.has_value() &&
        !internal::MayBeComputeAttached(event)) {
      JudgeCall(event, /*located=*/false, absl::OkStatus(), v);
      return;  // the event alone showed it: no state was read
    }
    {
      const JudgingMark mark(this);  // callbacks below may not call back in
      absl::Status located = absl::OkStatus();
      const bool locate_first = MayBeCompute(event);
      if (locate_first) located = Locate(event, &v->origin, &v->error);
      internal::MutexLock lock(&mu_);
      if (sweep_due) SweepIfDue();
      JudgeCall(event, locate_first, located, v);
    }
    if (v->explanation.empty()) {
      internal::Explain(*v, options_.training, &v->explanation);
    }
  }

  bool Reentered() const { return Judging(this); }

  void JudgeRecord(absl::string_view json, Verdict* v) override {
    // Each thread reads into its own Event, whose strings keep their memory
    // from one record to the next; a call from a callback (judging with
    // another detector) gets an Event of its own.
    thread_local Event reused;
    thread_local bool reused_busy = false;
    std::optional<Event> nested;
    const bool mine = !reused_busy;
    Event& event = mine ? reused : nested.emplace();
    // Let go of the reused Event on every way out, a throwing callback's
    // too; after a large record, give its memory back rather than keep it
    // for the thread's lifetime (no field is longer than its record).
    absl::Cleanup release = [mine, large = json.size() > kLargeRecord] {
      if (!mine) return;
      reused_busy = false;
      if (large) {
        Event discarded = std::move(reused);  // takes the memory along
      }
    };
    reused_busy = true;
    absl::Status read = ParseCloudTrailRecord(json, &event);
    if (read.ok()) {
      Judge(event, v);
    } else {
      StartVerdict(Event(), v);
      v->outcome = Outcome::kInvalid;
      v->error = std::string(read.message());
      v->explanation = absl::StrCat("record could not be read: ", v->error);
    }
  }

  absl::Time watermark() const override {
    if (Reentered()) return absl::InfinitePast();
    return clock_.watermark();
  }

  GeoCacheStats geo_cache_stats() const override {
    return cache_ == nullptr ? GeoCacheStats() : cache_->stats();
  }

  DetectorStats stats() const override;
  absl::Status Save(const std::string& path) const override;
  absl::Status Load(const std::string& path) override;
  std::string SaveToString() const override;
  absl::Status LoadFromString(absl::string_view bytes) override;

 private:
  // Returns false for events that are surely not a compute-attached
  // identity's own calls, so that their source need not be located.
  static bool MayBeCompute(const Event& event) {
    return event.kind == RecordKind::kApiCall &&
           internal::MayBeComputeAttached(event) &&
           internal::ServiceActor(event).empty();
  }

  // Judges the call of `event` into *v. Holds mu_, unless the event alone
  // shows that its identity is not compute-attached (then it reads no
  // state). When `located`, Locate has filled v->origin with `status`.
  void JudgeCall(const Event& event, bool located, const absl::Status& status,
                 Verdict* v);
  // Forgets the state older than its period, once a day of event time.
  void SweepIfDue() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Active() const;
  // Returns the parts of the state, with the clock's times in *first and
  // *watermark for the snapshot code to read or write.
  internal::StateParts Parts(absl::Time* first, absl::Time* watermark) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Fills *origin; a failed geo lookup leaves the geo fields empty and says
  // why in *geo_error. Returns an error when the source cannot be read.
  absl::Status Locate(const Event& event, Origin* origin,
                      std::string* geo_error) const;
  std::optional<HomeAnswer> ResolveHome(const Event& event,
                                        const Classification& c) const;
  void FindUnusual(const Event& event, absl::string_view profile_key,
                   Verdict* v) const;
  void Decide(const Event& event, Verdict* v);
  void Learn(const Event& event, const Classification& c,
             absl::string_view profile_key, const Origin& origin);

  const Options options_;
  const std::shared_ptr<const GeoCache> cache_;  // also options_.geo
  mutable internal::Mutex mu_;
  // Mutable so that Parts() can lend them to the snapshot code from a const
  // method; only Load writes through them.
  mutable internal::IssuanceTable issuances_ ABSL_GUARDED_BY(mu_);
  mutable internal::LearnedRegions learned_ ABSL_GUARDED_BY(mu_);
  EventClock clock_;
  absl::Time last_expiry_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  // The keys of the identity's profile and of its alerts, built in place.
  std::string profile_key_ ABSL_GUARDED_BY(mu_);
  std::string dedup_key_ ABSL_GUARDED_BY(mu_);
};

DetectorStats DetectorImpl::stats() const {
  DetectorStats stats;
  if (Reentered()) return stats;
  internal::MutexLock lock(&mu_);
  stats.identities = options_.profiles->size();
  stats.dedup_entries = options_.dedup_cache->size();
  stats.tracked_sessions = issuances_.size();
  stats.learned_computes = learned_.size();
  stats.evicted_profile_entries = options_.profiles->evicted();
  stats.evicted_dedup_entries = options_.dedup_cache->evicted();
  stats.evicted_sessions = issuances_.evicted();
  stats.evicted_learned = learned_.evicted();
  stats.geo_cache = geo_cache_stats();
  return stats;
}

internal::StateParts DetectorImpl::Parts(absl::Time* first,
                                         absl::Time* watermark) const {
  return internal::StateParts{first,
                              watermark,
                              options_.profiles.get(),
                              options_.dedup_cache.get(),
                              &issuances_,
                              &learned_};
}

std::string DetectorImpl::SaveToString() const {
  if (Reentered()) return "";
  internal::MutexLock lock(&mu_);
  absl::Time first = clock_.first();
  absl::Time watermark = clock_.watermark();
  return internal::EncodeSnapshot(Parts(&first, &watermark));
}

absl::Status DetectorImpl::Save(const std::string& path) const {
  if (Reentered()) return absl::FailedPreconditionError(kReentered);
  return internal::WriteFileAtomically(path, SaveToString());
}

absl::Status DetectorImpl::LoadFromString(absl::string_view bytes) {
  if (Reentered()) return absl::FailedPreconditionError(kReentered);
  auto decoded = internal::DecodeSnapshot(bytes);
  if (!decoded.ok()) return decoded.status();
  internal::MutexLock lock(&mu_);
  if (clock_.first() != absl::InfiniteFuture()) {
    return absl::FailedPreconditionError(
        "a snapshot can only be loaded before the first call is judged");
  }
  absl::Time first = absl::InfiniteFuture();
  absl::Time watermark = absl::InfinitePast();
  internal::ApplySnapshot(**decoded, Parts(&first, &watermark));
  clock_.Set(first, watermark);
  last_expiry_ = absl::InfinitePast();
  return absl::OkStatus();
}

absl::Status DetectorImpl::Load(const std::string& path) {
  absl::StatusOr<std::string> bytes = internal::ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  absl::Status loaded = LoadFromString(*bytes);
  if (loaded.ok()) return loaded;
  return absl::Status(loaded.code(),
                      absl::StrCat(path, ": ", loaded.message()));
}

void DetectorImpl::SweepIfDue() {
  const absl::Time now = clock_.watermark();
  if (now - last_expiry_ < kExpiryInterval) return;
  last_expiry_ = now;
  clock_.set_next_sweep(now + kExpiryInterval);
  options_.profiles->Expire(now - options_.training);
  options_.dedup_cache->Expire(now - options_.dedup);
  issuances_.Expire(now - options_.training,
                    now - options_.credential_lifetime);
  learned_.Expire(now - options_.training);
}

bool DetectorImpl::Active() const {
  return clock_.watermark() - clock_.first() >= options_.activation;
}

absl::Status DetectorImpl::Locate(const Event& event, Origin* origin,
                                  std::string* geo_error) const {
  if (!event.vpc_endpoint_id.empty()) {
    const bool own = event.vpc_endpoint_account.empty() ||
                     event.vpc_endpoint_account == event.account;
    origin->kind =
        own ? OriginKind::kVpcEndpoint : OriginKind::kForeignVpcEndpoint;
    origin->provider = event.provider;
    if (own) origin->region = event.call_region;
    return absl::OkStatus();
  }
  if (event.source.empty()) {
    return absl::InvalidArgumentError("record has no sourceIPAddress");
  }
  absl::StatusOr<IpAddress> address = IpAddress::Parse(event.source);
  if (!address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("sourceIPAddress \"", event.source,
                     "\" is neither an IP address nor a service name"));
  }
  if (address->IsInternal()) {
    origin->kind = OriginKind::kInternal;
    return absl::OkStatus();
  }
  std::optional<CloudLocation> cloud = options_.locator->Locate(*address);
  origin->kind = cloud ? OriginKind::kCloud : OriginKind::kInternet;
  if (cloud) {
    origin->provider = cloud->provider;
    origin->region = cloud->region;
  }
  if (options_.geo == nullptr) return absl::OkStatus();
  absl::StatusOr<GeoInfo> geo = options_.geo->Lookup(*address);
  if (!geo.ok()) {  // judged as no data, which is never evidence
    *geo_error = absl::StrCat("geo lookup failed: ", geo.status().message());
    return absl::OkStatus();
  }
  origin->country = std::move(geo->country);
  origin->asn = geo->asn;
  origin->as_org = std::move(geo->as_org);
  origin->city = std::move(geo->city);
  origin->geo_source = std::move(geo->source);
  origin->country_source = std::move(geo->country_source);
  origin->asn_source = std::move(geo->asn_source);
  return absl::OkStatus();
}

std::optional<HomeAnswer> DetectorImpl::ResolveHome(
    const Event& event, const Classification& c) const {
  std::string region =
      internal::RegionFromRecord(event, c.identity_class, c.compute_id);
  if (!region.empty()) return HomeAnswer{region, HomeSource::kEvent};
  if (options_.inventory != nullptr) {
    HomeQuery query{&event, c.identity_class, event.account, event.identity,
                    c.compute_id};
    std::optional<HomeAnswer> answer = options_.inventory->Resolve(query);
    if (answer && !answer->region.empty()) return answer;
  }
  if (options_.resolve_by_issuance) {
    const internal::IssuanceTable::Entry* issued = issuances_.FindCredentials(
        event.account, event.identity, event.session_name);
    if (issued != nullptr && !issued->region.empty() &&
        absl::AbsDuration(event.time - issued->time) <=
            options_.credential_lifetime &&
        (issued->issuer == "ec2.amazonaws.com" ||
         issued->issuer == "lambda.amazonaws.com")) {
      return HomeAnswer{issued->region, HomeSource::kIssuance};
    }
  }
  if (options_.resolve_by_learning) {
    region = learned_.MostFrequent(event.account, c.compute_id,
                                   event.time - options_.training);
    if (!region.empty()) return HomeAnswer{region, HomeSource::kLearned};
  }
  return std::nullopt;
}

void DetectorImpl::FindUnusual(const Event& event,
                               absl::string_view profile_key,
                               Verdict* v) const {
  const absl::Time since = event.time - options_.training;
  const ProfileStore& profiles = *options_.profiles;
  if (!v->origin.country.empty()) {
    v->unusual_country =
        profiles.LastSeenCountry(profile_key, v->origin.country) < since;
  }
  if (v->origin.asn != 0) {
    v->unusual_asn = profiles.LastSeenAsn(profile_key, v->origin.asn) < since;
  }
}

void DetectorImpl::Decide(const Event& event, Verdict* v) {
  v->variation = ChooseVariation(*v, event.provider);
  v->severity = options_.severities[static_cast<size_t>(v->variation)];
  const std::string& key =
      internal::JoinKey(&dedup_key_, v->account, v->identity, v->compute_id);
  v->alert_id = AlertId(event, key);
  std::optional<DedupEntry> last = options_.dedup_cache->Find(key);
  if (last && absl::AbsDuration(event.time - last->time) < options_.dedup &&
      last->severity >= v->severity) {
    v->outcome = Outcome::kSuppressed;
    v->duplicate_of = last->alert_id;
    return;
  }
  v->outcome = Outcome::kAlert;
  options_.dedup_cache->Put(key,
                            DedupEntry{v->alert_id, v->severity, event.time});
}

void DetectorImpl::Learn(const Event& event, const Classification& c,
                         absl::string_view profile_key, const Origin& origin) {
  if (!event.error_code.empty()) return;
  options_.profiles->Record(profile_key, origin.country, origin.asn,
                            event.time);
  if (origin.kind == OriginKind::kCloud && origin.provider == event.provider &&
      !origin.region.empty()) {
    learned_.Record(event.account, c.compute_id, origin.region, event.time);
  }
}

void DetectorImpl::JudgeCall(const Event& event, bool located,
                             const absl::Status& status, Verdict* v) {
  if (event.issuance && event.error_code.empty()) {
    issuances_.Add(*event.issuance, event.time);
  }
  const Classification c =
      internal::Classify(event, issuances_, options_.training,
                         options_.inventory.get(), &v->explanation);
  v->identity_class = c.identity_class;
  v->compute_id.assign(c.compute_id.data(), c.compute_id.size());
  const absl::string_view actor = internal::ServiceActor(event);
  if (c.identity_class == IdentityClass::kNone || !actor.empty()) {
    if (located) {  // the source is not part of such a verdict
      StartOrigin(event.source, &v->origin);
      v->error.clear();
    }
    if (c.identity_class != IdentityClass::kNone) {
      absl::StrAppend(&v->explanation, "call made by ", actor,
                      " on the identity's behalf");
    }
    return;
  }

  absl::Status read = status;
  if (!located) read = Locate(event, &v->origin, &v->error);
  if (!read.ok()) {
    v->outcome = Outcome::kInvalid;
    v->error = std::string(read.message());
    v->explanation = absl::StrCat("record could not be judged: ", v->error);
    return;
  }
  const std::string& profile_key =
      internal::JoinKey(&profile_key_, v->account, v->identity);
  std::optional<HomeAnswer> home = ResolveHome(event, c);
  if (home) {
    v->home_region = home->region;
    v->home_source = home->source;
  }

  if (!Active()) {
    v->outcome = Outcome::kLearning;
  } else if (!home) {
    v->outcome = Outcome::kUnresolved;
  } else if (IsInside(v->origin, event.provider, home->region)) {
    v->outcome = Outcome::kInRegion;
  } else {
    FindUnusual(event, profile_key, v);
    Decide(event, v);
  }
  Learn(event, c, profile_key, v->origin);
}

}  // namespace

std::array<Severity, kVariationCount> DefaultSeverities() {
  std::array<Severity, kVariationCount> s{};
  s[static_cast<size_t>(Variation::kNone)] = Severity::kNone;
  s[static_cast<size_t>(Variation::kOutsideRegionUnusualGeoAndAsn)] =
      Severity::kHigh;
  s[static_cast<size_t>(Variation::kOutsideRegionUnusualGeo)] =
      Severity::kMedium;
  s[static_cast<size_t>(Variation::kOutsideRegionUnusualAsn)] = Severity::kLow;
  s[static_cast<size_t>(Variation::kOutsideRegion)] = Severity::kLow;
  s[static_cast<size_t>(Variation::kOutsideRegionSameCloud)] =
      Severity::kInformational;
  s[static_cast<size_t>(Variation::kFailedOutsideRegion)] =
      Severity::kInformational;
  s[static_cast<size_t>(Variation::kLambdaOutsideRegion)] =
      Severity::kInformational;
  s[static_cast<size_t>(Variation::kForeignVpcEndpoint)] = Severity::kHigh;
  return s;
}

absl::StatusOr<std::unique_ptr<Detector>> Detector::Create(Options options) {
  if (options.activation < absl::ZeroDuration() ||
      options.training <= absl::ZeroDuration() ||
      options.dedup < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "periods must not be negative, and training must be positive");
  }
  if (options.locator == nullptr) {
    auto ranges = CloudRanges::LoadAwsFile(OFFREGION_DEFAULT_AWS_RANGES);
    if (!ranges.ok()) {
      return absl::Status(
          ranges.status().code(),
          absl::StrCat("default AWS ranges: ", ranges.status().message()));
    }
    options.locator = std::move(*ranges);
  }
  if (options.geo == nullptr && options.use_default_geo) {
    auto libloc = LibLocProvider::Open();
    if (!libloc.ok()) {
      return absl::Status(
          libloc.status().code(),
          absl::StrCat("default geo data (libloc): ", libloc.status().message(),
                       "; install libloc-database or turn the default off"));
    }
    options.geo = std::move(*libloc);
  }
  std::shared_ptr<const GeoCache> cache;
  if (options.geo != nullptr && options.geo_cache_entries > 0) {
    cache = std::make_shared<GeoCache>(std::move(options.geo),
                                       options.geo_cache_entries);
    options.geo = cache;
  }
  if (options.profiles == nullptr) {
    options.profiles = NewInMemoryProfileStore(options.profile_limits);
  }
  if (options.dedup_cache == nullptr) {
    options.dedup_cache = NewInMemoryDedupCache(options.max_dedup_entries);
  }
  return std::unique_ptr<Detector>(
      new DetectorImpl(std::move(options), std::move(cache)));
}

}  // namespace offregion
