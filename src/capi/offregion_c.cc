// The C ABI (include/offregion/offregion.h) over the C++ API. Every entry
// point catches all exceptions: none may cross into C.

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "offregion/cloudtrail.h"
#include "offregion/config.h"
#include "offregion/detector.h"
#include "offregion/geo.h"
#include "offregion/home.h"
#include "offregion/network.h"
#include "offregion/offregion.h"
#include "offregion/verdict.h"
#include "src/common/mutex.h"
#include "src/home/resolvers.h"

using offregion::Detector;
using offregion::GeoInfo;
using offregion::GeoProvider;
using offregion::HomeAnswer;
using offregion::HomeQuery;
using offregion::HomeResolver;
using offregion::IpAddress;
using offregion::Verdict;

namespace {

// A caller's `state` and its destructor, called once when the last user
// lets go.
class CallerState {
 public:
  CallerState(void* state, void (*destructor)(void*))
      : state_(state), destructor_(destructor) {}
  ~CallerState() {
    if (destructor_ != nullptr) destructor_(state_);
  }
  CallerState(const CallerState&) = delete;
  CallerState& operator=(const CallerState&) = delete;

  void* get() const { return state_; }

 private:
  void* state_;
  void (*destructor_)(void*);
};

}  // namespace

struct offregion_options_t {
  offregion::Options options;
  std::vector<std::shared_ptr<const GeoProvider>> geo_tables;
  std::vector<std::shared_ptr<const GeoProvider>> mmdbs;
  std::vector<std::shared_ptr<const GeoProvider>> geo_callbacks;
  bool use_default_geo = true;
};

struct offregion_detector_t {
  std::unique_ptr<Detector> detector;
};

struct offregion_verdict_t {
  Verdict verdict;
  std::string json;
};

struct offregion_verdicts_t {
  std::vector<offregion_verdict_t> verdicts;
  std::string jsonl;
};

struct offregion_geo_answer_t {
  GeoInfo info;
};

struct offregion_reader_t {
  std::unique_ptr<offregion::RecordReader> reader;
  offregion::RawRecord record;
  std::string error;
};

namespace {

int ToStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return OFFREGION_OK;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return OFFREGION_INVALID_ARGUMENT;
    case absl::StatusCode::kNotFound:
      return OFFREGION_NOT_FOUND;
    case absl::StatusCode::kDataLoss:
      return OFFREGION_DATA_LOSS;
    case absl::StatusCode::kFailedPrecondition:
      return OFFREGION_FAILED_PRECONDITION;
    case absl::StatusCode::kResourceExhausted:
      return OFFREGION_RESOURCE_EXHAUSTED;
    case absl::StatusCode::kPermissionDenied:
      return OFFREGION_PERMISSION_DENIED;
    case absl::StatusCode::kInternal:
      return OFFREGION_INTERNAL;
    default:
      return OFFREGION_UNKNOWN;
  }
}

// Stores a copy of `message` in *errptr (freeing what was there), when
// errptr is not null. Returns `status`.
int Fail(int status, absl::string_view message, char** errptr) {
  if (errptr != nullptr) {
    std::free(*errptr);
    *errptr = static_cast<char*>(std::malloc(message.size() + 1));
    if (*errptr != nullptr) {
      std::memcpy(*errptr, message.data(), message.size());
      (*errptr)[message.size()] = '\0';
    }
  }
  return status;
}

int Report(const absl::Status& status, char** errptr) {
  if (status.ok()) return OFFREGION_OK;
  return Fail(ToStatus(status.code()), status.message(), errptr);
}

// Runs `body` (which returns a status code), turning any exception into
// OFFREGION_INTERNAL.
template <typename Body>
int Guard(char** errptr, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(OFFREGION_RESOURCE_EXHAUSTED, "out of memory", errptr);
  } catch (const std::exception& e) {
    return Fail(OFFREGION_INTERNAL, absl::StrCat("internal error: ", e.what()),
                errptr);
  } catch (...) {
    return Fail(OFFREGION_INTERNAL, "internal error", errptr);
  }
}

int NullArgument(char** errptr) {
  return Fail(OFFREGION_INVALID_ARGUMENT, "a required argument is NULL",
              errptr);
}

std::string Text(const char* data, size_t len) {
  return data == nullptr ? std::string() : std::string(data, len);
}

int SetPeriod(absl::Duration* period, int64_t seconds, bool positive,
              absl::string_view name, char** errptr) {
  if (seconds < 0 || (positive && seconds == 0)) {
    return Fail(OFFREGION_INVALID_ARGUMENT,
                absl::StrCat(name, " must be ", positive ? "above" : "at least",
                             " 0 seconds"),
                errptr);
  }
  *period = absl::Seconds(seconds);
  return OFFREGION_OK;
}

// The caller's inventory callback as a HomeResolver.
class CallbackInventory : public HomeResolver {
 public:
  CallbackInventory(std::shared_ptr<CallerState> state,
                    offregion_inventory_fn lookup)
      : state_(std::move(state)), lookup_(lookup) {}

  std::optional<HomeAnswer> Resolve(const HomeQuery& query) const override {
    char region[256];
    size_t len = 0;
    const uint8_t found =
        lookup_(state_->get(), query.account.data(), query.account.size(),
                query.compute_id.data(), query.compute_id.size(), region,
                sizeof(region), &len);
    if (found == 0 || len == 0 || len > sizeof(region)) return std::nullopt;
    std::string name =
        offregion::internal::NormalizeRegion(absl::string_view(region, len));
    if (name.empty()) return std::nullopt;  // not a region: unknown
    return HomeAnswer{std::move(name), offregion::HomeSource::kInventory};
  }

 private:
  std::shared_ptr<CallerState> state_;
  offregion_inventory_fn lookup_;
};

// The caller's geo callback as a GeoProvider.
class CallbackGeo : public GeoProvider {
 public:
  CallbackGeo(std::shared_ptr<CallerState> state, offregion_geo_fn lookup)
      : state_(std::move(state)), lookup_(lookup) {}

  absl::StatusOr<GeoInfo> Lookup(const IpAddress& address) const override {
    const std::string text = address.ToString();
    offregion_geo_answer_t answer;
    // One call at a time, as the ABI promises. The callback may be shared
    // by detectors made from one options object and may judge with another
    // of them: a nested call on the same thread must not lock again.
    std::optional<offregion::internal::MutexLock> lock;
    if (holding_ != this) lock.emplace(&mu_);
    const CallbackGeo* const outer = holding_;
    holding_ = this;
    const int failed =
        lookup_(state_->get(), text.data(), text.size(), &answer);
    holding_ = outer;
    if (failed != 0) {
      return absl::UnknownError(absl::StrCat("geo callback failed for ", text));
    }
    GeoInfo& info = answer.info;
    if (!info.country.empty()) info.country_source = "callback";
    if (info.asn != 0) info.asn_source = "callback";
    info.source = !info.country.empty() || info.asn != 0 ? "callback" : "";
    return std::move(info);
  }
  absl::string_view name() const override { return "callback"; }

 private:
  std::shared_ptr<CallerState> state_;
  offregion_geo_fn lookup_;
  mutable offregion::internal::Mutex mu_;
  static thread_local const CallbackGeo* holding_;
};

thread_local const CallbackGeo* CallbackGeo::holding_ = nullptr;

// Returns the options a detector is built from: the geo chain assembled.
absl::StatusOr<offregion::Options> Assemble(const offregion_options_t& o) {
  offregion::Options options = o.options;
  std::vector<std::shared_ptr<const GeoProvider>> chain = o.geo_tables;
  chain.insert(chain.end(), o.mmdbs.begin(), o.mmdbs.end());
  chain.insert(chain.end(), o.geo_callbacks.begin(), o.geo_callbacks.end());
  if (o.use_default_geo) {
    auto libloc = offregion::LibLocProvider::Open();
    if (!libloc.ok()) {
      return absl::Status(libloc.status().code(),
                          absl::StrCat("default geo data (libloc): ",
                                       libloc.status().message()));
    }
    chain.push_back(std::move(*libloc));
  }
  options.use_default_geo = false;
  if (chain.size() == 1) {
    options.geo = chain.front();
  } else if (!chain.empty()) {
    options.geo = std::make_shared<offregion::GeoChain>(std::move(chain));
  }
  return options;
}

const char* Borrow(absl::string_view text, size_t* len) {
  if (len != nullptr) *len = text.size();
  return text.data() == nullptr ? "" : text.data();
}

const char* Borrow(const std::string& text, size_t* len) {
  if (len != nullptr) *len = text.size();
  return text.c_str();
}

}  // namespace

extern "C" {

const char* offregion_status_string(int status) {
  static const char* const kNames[] = {"ok",
                                       "invalid_argument",
                                       "not_found",
                                       "data_loss",
                                       "failed_precondition",
                                       "resource_exhausted",
                                       "permission_denied",
                                       "internal",
                                       "unknown",
                                       "callback_failed"};
  if (status < 0 || status >= static_cast<int>(std::size(kNames))) {
    return "unknown";
  }
  return kNames[status];
}

const char* offregion_version_string(void) { return OFFREGION_VERSION_STRING; }

uint32_t offregion_version_number(void) { return OFFREGION_VERSION_NUMBER; }

void offregion_free(void* pointer) { std::free(pointer); }

const char* offregion_outcome_name(int outcome) {
  if (outcome < 0 || outcome > OFFREGION_OUTCOME_INVALID) return "";
  return offregion::OutcomeName(static_cast<offregion::Outcome>(outcome))
      .data();
}

const char* offregion_severity_name(int severity) {
  if (severity < 0 || severity > OFFREGION_SEVERITY_HIGH) return "";
  return offregion::SeverityName(static_cast<offregion::Severity>(severity))
      .data();
}

const char* offregion_variation_name(int variation) {
  if (variation < 0 || variation >= offregion::kVariationCount) return "";
  return offregion::VariationName(static_cast<offregion::Variation>(variation))
      .data();
}

offregion_options_t* offregion_options_create(void) {
  try {
    return new offregion_options_t();
  } catch (...) {
    return nullptr;
  }
}

void offregion_options_destroy(offregion_options_t* options) { delete options; }

int offregion_options_set_activation_seconds(offregion_options_t* options,
                                             int64_t seconds, char** errptr) {
  if (options == nullptr) return NullArgument(errptr);
  return SetPeriod(&options->options.activation, seconds, false, "activation",
                   errptr);
}

int offregion_options_set_training_seconds(offregion_options_t* options,
                                           int64_t seconds, char** errptr) {
  if (options == nullptr) return NullArgument(errptr);
  return SetPeriod(&options->options.training, seconds, true, "training",
                   errptr);
}

int offregion_options_set_dedup_seconds(offregion_options_t* options,
                                        int64_t seconds, char** errptr) {
  if (options == nullptr) return NullArgument(errptr);
  return SetPeriod(&options->options.dedup, seconds, false, "dedup", errptr);
}

int offregion_options_set_severity(offregion_options_t* options,
                                   const char* variation, size_t variation_len,
                                   const char* severity, size_t severity_len,
                                   char** errptr) {
  if (options == nullptr || variation == nullptr || severity == nullptr) {
    return NullArgument(errptr);
  }
  return Guard(errptr, [&]() -> int {
    offregion::Variation v;
    offregion::Severity s;
    const std::string v_text = Text(variation, variation_len);
    const std::string s_text = Text(severity, severity_len);
    if (!offregion::ParseVariation(v_text, &v)) {
      return Fail(OFFREGION_INVALID_ARGUMENT,
                  absl::StrCat("unknown variation \"", v_text, "\""), errptr);
    }
    if (!offregion::ParseSeverity(s_text, &s)) {
      return Fail(OFFREGION_INVALID_ARGUMENT,
                  absl::StrCat("unknown severity \"", s_text, "\""), errptr);
    }
    options->options.severities[static_cast<size_t>(v)] = s;
    return OFFREGION_OK;
  });
}

int offregion_options_set_aws_ranges_file(offregion_options_t* options,
                                          const char* path, size_t path_len,
                                          char** errptr) {
  if (options == nullptr || path == nullptr) return NullArgument(errptr);
  return Guard(errptr, [&]() -> int {
    auto ranges = offregion::CloudRanges::LoadAwsFile(Text(path, path_len));
    if (!ranges.ok()) return Report(ranges.status(), errptr);
    options->options.locator = std::move(*ranges);
    return OFFREGION_OK;
  });
}

int offregion_options_add_geo_table_file(offregion_options_t* options,
                                         const char* path, size_t path_len,
                                         char** errptr) {
  if (options == nullptr || path == nullptr) return NullArgument(errptr);
  return Guard(errptr, [&]() -> int {
    auto table = offregion::GeoTable::LoadFile(Text(path, path_len));
    if (!table.ok()) return Report(table.status(), errptr);
    options->geo_tables.push_back(std::move(*table));
    return OFFREGION_OK;
  });
}

int offregion_options_add_mmdb_file(offregion_options_t* options,
                                    const char* path, size_t path_len,
                                    char** errptr) {
  if (options == nullptr || path == nullptr) return NullArgument(errptr);
  return Guard(errptr, [&]() -> int {
    auto mmdb = offregion::MaxMindProvider::Open(Text(path, path_len));
    if (!mmdb.ok()) return Report(mmdb.status(), errptr);
    options->mmdbs.push_back(std::move(*mmdb));
    return OFFREGION_OK;
  });
}

void offregion_options_set_use_default_geo(offregion_options_t* options,
                                           uint8_t use) {
  if (options != nullptr) options->use_default_geo = use != 0;
}

int offregion_options_set_limit(offregion_options_t* options, int limit,
                                uint64_t value, char** errptr) {
  if (options == nullptr) return NullArgument(errptr);
  if (value == 0) {
    return Fail(OFFREGION_INVALID_ARGUMENT, "a limit must be at least 1",
                errptr);
  }
  offregion::Options& o = options->options;
  switch (limit) {
    case OFFREGION_LIMIT_IDENTITIES:
      o.profile_limits.max_identities = value;
      return OFFREGION_OK;
    case OFFREGION_LIMIT_ENTRIES_PER_IDENTITY:
      o.profile_limits.max_entries_per_identity = value;
      return OFFREGION_OK;
    case OFFREGION_LIMIT_DEDUP_ENTRIES:
      o.max_dedup_entries = value;
      return OFFREGION_OK;
    case OFFREGION_LIMIT_SESSIONS:
      o.max_tracked_sessions = value;
      return OFFREGION_OK;
    default:
      return Fail(OFFREGION_INVALID_ARGUMENT,
                  absl::StrCat("unknown limit ", limit), errptr);
  }
}

void offregion_options_set_geo_cache_entries(offregion_options_t* options,
                                             uint64_t entries) {
  if (options != nullptr) {
    options->options.geo_cache_entries = static_cast<size_t>(entries);
  }
}

int offregion_options_set_inventory_file(offregion_options_t* options,
                                         const char* path, size_t path_len,
                                         char** errptr) {
  if (options == nullptr || path == nullptr) return NullArgument(errptr);
  return Guard(errptr, [&]() -> int {
    auto inventory = offregion::Inventory::LoadFile(Text(path, path_len));
    if (!inventory.ok()) return Report(inventory.status(), errptr);
    options->options.inventory = std::move(*inventory);
    return OFFREGION_OK;
  });
}

void offregion_options_set_inventory_callback(offregion_options_t* options,
                                              void* state,
                                              offregion_inventory_fn lookup,
                                              void (*destructor)(void*)) {
  try {
    auto owner = std::make_shared<CallerState>(state, destructor);
    if (options == nullptr || lookup == nullptr) return;  // owner frees state
    options->options.inventory =
        std::make_shared<CallbackInventory>(std::move(owner), lookup);
  } catch (...) {
  }
}

void offregion_geo_answer_set_country(offregion_geo_answer_t* answer,
                                      const char* country, size_t country_len) {
  if (answer == nullptr || country == nullptr) return;
  try {
    // Only an ISO 3166 alpha-2 code counts; anything else is no data.
    if (country_len != 2 ||
        !absl::ascii_isalpha(static_cast<unsigned char>(country[0])) ||
        !absl::ascii_isalpha(static_cast<unsigned char>(country[1]))) {
      return;
    }
    answer->info.country =
        absl::AsciiStrToUpper(absl::string_view(country, country_len));
  } catch (...) {
  }
}

void offregion_geo_answer_set_asn(offregion_geo_answer_t* answer,
                                  uint32_t asn) {
  if (answer != nullptr) answer->info.asn = asn;
}

void offregion_geo_answer_set_as_org(offregion_geo_answer_t* answer,
                                     const char* as_org, size_t as_org_len) {
  if (answer == nullptr || as_org == nullptr) return;
  try {
    answer->info.as_org.assign(as_org, as_org_len);
  } catch (...) {
  }
}

void offregion_options_add_geo_callback(offregion_options_t* options,
                                        void* state, offregion_geo_fn lookup,
                                        void (*destructor)(void*)) {
  try {
    auto owner = std::make_shared<CallerState>(state, destructor);
    if (options == nullptr || lookup == nullptr) return;  // owner frees state
    options->geo_callbacks.push_back(
        std::make_shared<CallbackGeo>(std::move(owner), lookup));
  } catch (...) {
  }
}

int offregion_detector_create(const offregion_options_t* options,
                              offregion_detector_t** detector, char** errptr) {
  if (options == nullptr || detector == nullptr) return NullArgument(errptr);
  return Guard(errptr, [&]() -> int {
    absl::StatusOr<offregion::Options> assembled = Assemble(*options);
    if (!assembled.ok()) return Report(assembled.status(), errptr);
    auto created = Detector::Create(std::move(*assembled));
    if (!created.ok()) return Report(created.status(), errptr);
    *detector = new offregion_detector_t{std::move(*created)};
    return OFFREGION_OK;
  });
}

void offregion_detector_destroy(offregion_detector_t* detector) {
  delete detector;
}

void offregion_detector_geo_cache_stats(const offregion_detector_t* detector,
                                        uint64_t* hits, uint64_t* misses) {
  offregion::GeoCacheStats stats;
  if (detector != nullptr) stats = detector->detector->geo_cache_stats();
  if (hits != nullptr) *hits = stats.hits;
  if (misses != nullptr) *misses = stats.misses;
}

uint64_t offregion_detector_stat(const offregion_detector_t* detector,
                                 int stat) {
  if (detector == nullptr) return 0;
  try {
    const offregion::DetectorStats s = detector->detector->stats();
    switch (stat) {
      case OFFREGION_STAT_IDENTITIES:
        return s.identities;
      case OFFREGION_STAT_DEDUP_ENTRIES:
        return s.dedup_entries;
      case OFFREGION_STAT_TRACKED_SESSIONS:
        return s.tracked_sessions;
      case OFFREGION_STAT_LEARNED_COMPUTES:
        return s.learned_computes;
      case OFFREGION_STAT_EVICTED_PROFILE_ENTRIES:
        return s.evicted_profile_entries;
      case OFFREGION_STAT_EVICTED_DEDUP_ENTRIES:
        return s.evicted_dedup_entries;
      case OFFREGION_STAT_EVICTED_SESSIONS:
        return s.evicted_sessions;
      case OFFREGION_STAT_EVICTED_LEARNED:
        return s.evicted_learned;
      default:
        return 0;
    }
  } catch (...) {
    return 0;
  }
}

int offregion_detector_save(const offregion_detector_t* detector,
                            const char* path, size_t path_len, char** errptr) {
  if (detector == nullptr || path == nullptr) return NullArgument(errptr);
  return Guard(errptr, [&]() -> int {
    return Report(detector->detector->Save(Text(path, path_len)), errptr);
  });
}

int offregion_detector_load(offregion_detector_t* detector, const char* path,
                            size_t path_len, char** errptr) {
  if (detector == nullptr || path == nullptr) return NullArgument(errptr);
  return Guard(errptr, [&]() -> int {
    return Report(detector->detector->Load(Text(path, path_len)), errptr);
  });
}

int offregion_judge(offregion_detector_t* detector, const char* json,
                    size_t json_len, offregion_verdict_t** verdict,
                    char** errptr) {
  if (detector == nullptr || verdict == nullptr ||
      (json == nullptr && json_len > 0)) {
    return NullArgument(errptr);
  }
  return Guard(errptr, [&]() -> int {
    auto result = std::make_unique<offregion_verdict_t>();
    result->verdict = detector->detector->JudgeRecord(
        absl::string_view(json == nullptr ? "" : json, json_len));
    result->json = offregion::VerdictToJson(result->verdict);
    *verdict = result.release();
    return OFFREGION_OK;
  });
}

int offregion_judge_batch(offregion_detector_t* detector, const char* data,
                          const size_t* lengths, size_t count,
                          offregion_verdicts_t** verdicts, char** errptr) {
  if (detector == nullptr || verdicts == nullptr ||
      (count > 0 && (data == nullptr || lengths == nullptr))) {
    return NullArgument(errptr);
  }
  return Guard(errptr, [&]() -> int {
    auto list = std::make_unique<offregion_verdicts_t>();
    list->verdicts.resize(count);
    size_t offset = 0;
    for (size_t i = 0; i < count; ++i) {
      offregion_verdict_t& out = list->verdicts[i];
      out.verdict = detector->detector->JudgeRecord(
          absl::string_view(data + offset, lengths[i]));
      offset += lengths[i];
      out.json = offregion::VerdictToJson(out.verdict);
      list->jsonl.append(out.json);
      list->jsonl.push_back('\n');
    }
    *verdicts = list.release();
    return OFFREGION_OK;
  });
}

size_t offregion_verdicts_count(const offregion_verdicts_t* verdicts) {
  return verdicts == nullptr ? 0 : verdicts->verdicts.size();
}

const offregion_verdict_t* offregion_verdicts_get(
    const offregion_verdicts_t* verdicts, size_t index) {
  if (verdicts == nullptr || index >= verdicts->verdicts.size()) {
    return nullptr;
  }
  return &verdicts->verdicts[index];
}

const char* offregion_verdicts_json(const offregion_verdicts_t* verdicts,
                                    size_t* len) {
  if (verdicts == nullptr) return Borrow(absl::string_view(), len);
  return Borrow(verdicts->jsonl, len);
}

void offregion_verdicts_destroy(offregion_verdicts_t* verdicts) {
  delete verdicts;
}

void offregion_verdict_destroy(offregion_verdict_t* verdict) { delete verdict; }

int offregion_verdict_outcome(const offregion_verdict_t* v) {
  return v == nullptr ? OFFREGION_OUTCOME_INVALID
                      : static_cast<int>(v->verdict.outcome);
}

int offregion_verdict_severity(const offregion_verdict_t* v) {
  return v == nullptr ? 0 : static_cast<int>(v->verdict.severity);
}

int offregion_verdict_variation(const offregion_verdict_t* v) {
  return v == nullptr ? 0 : static_cast<int>(v->verdict.variation);
}

int64_t offregion_verdict_event_time_unix_nanos(const offregion_verdict_t* v) {
  return v == nullptr ? 0 : absl::ToUnixNanos(v->verdict.event_time);
}

uint32_t offregion_verdict_origin_asn(const offregion_verdict_t* v) {
  return v == nullptr ? 0 : v->verdict.origin.asn;
}

uint8_t offregion_verdict_unusual_country(const offregion_verdict_t* v) {
  return v != nullptr && v->verdict.unusual_country ? 1 : 0;
}

uint8_t offregion_verdict_unusual_asn(const offregion_verdict_t* v) {
  return v != nullptr && v->verdict.unusual_asn ? 1 : 0;
}

const char* offregion_verdict_string(const offregion_verdict_t* v, int field,
                                     size_t* len) {
  if (v == nullptr) return Borrow(absl::string_view(), len);
  const Verdict& d = v->verdict;
  switch (field) {
    case OFFREGION_FIELD_EVENT_ID:
      return Borrow(d.event_id, len);
    case OFFREGION_FIELD_EVENT_NAME:
      return Borrow(d.event_name, len);
    case OFFREGION_FIELD_ALERT_ID:
      return Borrow(d.alert_id, len);
    case OFFREGION_FIELD_DUPLICATE_OF:
      return Borrow(d.duplicate_of, len);
    case OFFREGION_FIELD_ACCOUNT:
      return Borrow(d.account, len);
    case OFFREGION_FIELD_IDENTITY:
      return Borrow(d.identity, len);
    case OFFREGION_FIELD_IDENTITY_CLASS:
      return Borrow(offregion::IdentityClassName(d.identity_class), len);
    case OFFREGION_FIELD_COMPUTE_ID:
      return Borrow(d.compute_id, len);
    case OFFREGION_FIELD_HOME_REGION:
      return Borrow(d.home_region, len);
    case OFFREGION_FIELD_HOME_SOURCE:
      return Borrow(offregion::HomeSourceName(d.home_source), len);
    case OFFREGION_FIELD_ORIGIN_ADDRESS:
      return Borrow(d.origin.address, len);
    case OFFREGION_FIELD_ORIGIN_KIND:
      return Borrow(offregion::OriginKindName(d.origin.kind), len);
    case OFFREGION_FIELD_ORIGIN_PROVIDER:
      return Borrow(d.origin.provider == offregion::Provider::kUnknown
                        ? absl::string_view()
                        : offregion::ProviderName(d.origin.provider),
                    len);
    case OFFREGION_FIELD_ORIGIN_REGION:
      return Borrow(d.origin.region, len);
    case OFFREGION_FIELD_ORIGIN_COUNTRY:
      return Borrow(d.origin.country, len);
    case OFFREGION_FIELD_ORIGIN_AS_ORG:
      return Borrow(d.origin.as_org, len);
    case OFFREGION_FIELD_ERROR_CODE:
      return Borrow(d.error_code, len);
    case OFFREGION_FIELD_ERROR:
      return Borrow(d.error, len);
    case OFFREGION_FIELD_EXPLANATION:
      return Borrow(d.explanation, len);
    default:
      return Borrow(absl::string_view(), len);
  }
}

const char* offregion_verdict_json(const offregion_verdict_t* v, size_t* len) {
  if (v == nullptr) return Borrow(absl::string_view(), len);
  return Borrow(v->json, len);
}

int offregion_reader_open(const char* path, size_t path_len,
                          offregion_reader_t** reader, char** errptr) {
  if (path == nullptr || reader == nullptr) return NullArgument(errptr);
  return Guard(errptr, [&]() -> int {
    auto opened = offregion::RecordReader::Open(Text(path, path_len));
    if (!opened.ok()) return Report(opened.status(), errptr);
    *reader = new offregion_reader_t{std::move(*opened), {}, {}};
    return OFFREGION_OK;
  });
}

uint8_t offregion_reader_next(offregion_reader_t* reader, const char** json,
                              size_t* json_len, const char** error) {
  if (json != nullptr) *json = nullptr;
  if (json_len != nullptr) *json_len = 0;
  if (error != nullptr) *error = nullptr;
  if (reader == nullptr) return 0;
  try {
    if (!reader->reader->Next(&reader->record)) return 0;
    if (!reader->record.status.ok()) {
      reader->error = std::string(reader->record.status.message());
      if (error != nullptr) *error = reader->error.c_str();
      return 1;
    }
    if (json != nullptr) *json = reader->record.json.c_str();
    if (json_len != nullptr) *json_len = reader->record.json.size();
    return 1;
  } catch (...) {
    reader->error = "internal error while reading";
    if (error != nullptr) *error = reader->error.c_str();
    return 1;
  }
}

int offregion_reader_status(const offregion_reader_t* reader, char** errptr) {
  if (reader == nullptr) return NullArgument(errptr);
  return Guard(errptr, [&]() -> int {
    return Report(reader->reader->status(), errptr);
  });
}

void offregion_reader_destroy(offregion_reader_t* reader) { delete reader; }

}  // extern "C"
