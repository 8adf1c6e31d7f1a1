/* offregion/offregion.h: the C ABI of offregion.
 *
 * Links offregion from C, C++, Go, Rust, Python (ctypes) and any engine
 * that can call C. One detector judges CloudTrail records (raw JSON bytes)
 * one at a time or in batches and hands back verdicts, readable through
 * typed accessors or as JSON.
 *
 * The rules of this ABI:
 *  1. Only opaque handles cross it. Every offregion_X_create or _open has a
 *     matching offregion_X_destroy; destroy functions accept NULL.
 *  2. Bytes are passed as a pointer plus a length; they need not end in
 *     NUL. Strings handed out end in NUL as well and come with their length.
 *  3. Functions that can fail return an offregion_status: 0 is success, the
 *     values below are fixed and never renumbered. When `errptr` is not
 *     NULL, a failure stores there a message allocated by the library
 *     (freeing any message already there); success leaves it alone.
 *  4. Every buffer the library hands over for keeps is freed with
 *     offregion_free. Borrowed pointers (from accessors) stay valid until
 *     the object they came from is destroyed.
 *  5. Booleans are uint8_t, 0 or 1. Integers have fixed widths.
 *  6. No C++ exception ever crosses this ABI; a failure inside is reported
 *     as OFFREGION_INTERNAL.
 *  7. Pointer arguments other than errptr and out-pointers documented as
 *     optional must not be NULL; a NULL handle is OFFREGION_INVALID_ARGUMENT.
 *  8. Thread safety: an options handle is used by one thread at a time. A
 *     detector may be used by any number of threads at once: the state
 *     steps of judging take one lock inside, and each call sees the state
 *     every earlier call left. Verdicts, verdict lists and readers are
 *     used by one thread at a time, and are independent of each other and
 *     of the detector.
 *
 * Not supported: custom profile stores and dedup caches (C++ only), GCP
 * and Azure records.
 *
 *   offregion_options_t* options = offregion_options_create();
 *   offregion_options_set_activation_seconds(options, 0, NULL);
 *   offregion_detector_t* detector = NULL;
 *   char* err = NULL;
 *   if (offregion_detector_create(options, &detector, &err) != OFFREGION_OK)
 *     { fprintf(stderr, "%s\n", err); offregion_free(err); }
 *   offregion_verdict_t* verdict = NULL;
 *   offregion_judge(detector, json, json_len, &verdict, &err);
 *   if (offregion_verdict_outcome(verdict) == OFFREGION_OUTCOME_ALERT) ...
 *   offregion_verdict_destroy(verdict);
 *   offregion_detector_destroy(detector);
 *   offregion_options_destroy(options);
 */

#ifndef OFFREGION_OFFREGION_H_
#define OFFREGION_OFFREGION_H_

#include <stddef.h>
#include <stdint.h>

#include "offregion/version.h"

#if defined(_WIN32)
#define OFFREGION_EXPORT __declspec(dllexport)
#else
#define OFFREGION_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Status codes, versions, memory                                          */

typedef enum offregion_status {
  OFFREGION_OK = 0,
  OFFREGION_INVALID_ARGUMENT = 1,    /* a bad value or a NULL handle */
  OFFREGION_NOT_FOUND = 2,           /* a file that does not exist */
  OFFREGION_DATA_LOSS = 3,           /* a corrupt or truncated file */
  OFFREGION_FAILED_PRECONDITION = 4, /* e.g. a database of the wrong type */
  OFFREGION_RESOURCE_EXHAUSTED = 5,  /* an input over a documented limit */
  OFFREGION_PERMISSION_DENIED = 6,
  OFFREGION_INTERNAL = 7,       /* a bug, or an exception caught inside */
  OFFREGION_UNKNOWN = 8,        /* any other failure */
  OFFREGION_CALLBACK_FAILED = 9 /* a caller's callback reported failure */
} offregion_status;

/* Returns a static, NUL-terminated name of `status` ("ok", "not_found",
   ...); "unknown" for values not listed. Never free it. */
OFFREGION_EXPORT const char* offregion_status_string(int status);

/* Returns OFFREGION_VERSION_STRING of the library actually loaded. Static. */
OFFREGION_EXPORT const char* offregion_version_string(void);

/* Returns OFFREGION_VERSION_NUMBER of the library actually loaded. */
OFFREGION_EXPORT uint32_t offregion_version_number(void);

/* Frees memory the library handed over (messages, JSON). NULL is fine. */
OFFREGION_EXPORT void offregion_free(void* pointer);

/* ---------------------------------------------------------------------- */
/* Enumerations, with their stable values and static names                 */

enum {
  OFFREGION_OUTCOME_NOT_APPLICABLE = 0,
  OFFREGION_OUTCOME_IN_REGION = 1,
  OFFREGION_OUTCOME_LEARNING = 2,
  OFFREGION_OUTCOME_UNRESOLVED = 3,
  OFFREGION_OUTCOME_ALERT = 4,
  OFFREGION_OUTCOME_SUPPRESSED = 5,
  OFFREGION_OUTCOME_INVALID = 6
};

enum {
  OFFREGION_SEVERITY_NONE = 0,
  OFFREGION_SEVERITY_INFORMATIONAL = 1,
  OFFREGION_SEVERITY_LOW = 2,
  OFFREGION_SEVERITY_MEDIUM = 3,
  OFFREGION_SEVERITY_HIGH = 4
};

enum {
  OFFREGION_VARIATION_NONE = 0,
  OFFREGION_VARIATION_OUTSIDE_REGION_UNUSUAL_GEO_AND_ASN = 1,
  OFFREGION_VARIATION_OUTSIDE_REGION_UNUSUAL_GEO = 2,
  OFFREGION_VARIATION_OUTSIDE_REGION_UNUSUAL_ASN = 3,
  OFFREGION_VARIATION_OUTSIDE_REGION = 4,
  OFFREGION_VARIATION_OUTSIDE_REGION_SAME_CLOUD = 5,
  OFFREGION_VARIATION_FAILED_OUTSIDE_REGION = 6,
  OFFREGION_VARIATION_LAMBDA_OUTSIDE_REGION = 7,
  OFFREGION_VARIATION_FOREIGN_VPC_ENDPOINT = 8
};

/* Each returns the static snake_case name used in JSON ("alert", "high",
   "outside_region_unusual_geo"), or "" for an unknown value. */
OFFREGION_EXPORT const char* offregion_outcome_name(int outcome);
OFFREGION_EXPORT const char* offregion_severity_name(int severity);
OFFREGION_EXPORT const char* offregion_variation_name(int variation);

/* ---------------------------------------------------------------------- */
/* Options                                                                  */

typedef struct offregion_options_t offregion_options_t;

/* Returns new options holding the defaults of the specification (14, 30
   and 5 days; the shipped AWS ranges; libloc for country and ASN). Free
   with offregion_options_destroy. Never NULL. */
OFFREGION_EXPORT offregion_options_t* offregion_options_create(void);

/* Frees `options`. Detectors created from it are not affected. */
OFFREGION_EXPORT void offregion_options_destroy(offregion_options_t* options);

/* Set the periods in seconds of event time. Return INVALID_ARGUMENT for a
   negative period, or a training period of 0. */
OFFREGION_EXPORT int offregion_options_set_activation_seconds(
    offregion_options_t* options, int64_t seconds, char** errptr);
OFFREGION_EXPORT int offregion_options_set_training_seconds(
    offregion_options_t* options, int64_t seconds, char** errptr);
OFFREGION_EXPORT int offregion_options_set_dedup_seconds(
    offregion_options_t* options, int64_t seconds, char** errptr);

/* Overrides the severity of a variation, both by name ("outside_region",
   "medium"). Returns INVALID_ARGUMENT for an unknown name. */
OFFREGION_EXPORT int offregion_options_set_severity(
    offregion_options_t* options, const char* variation, size_t variation_len,
    const char* severity, size_t severity_len, char** errptr);

/* Loads AWS ranges (ip-ranges.json) from the file at `path` now, replacing
   the default. Returns NOT_FOUND or INVALID_ARGUMENT naming the file. */
OFFREGION_EXPORT int offregion_options_set_aws_ranges_file(
    offregion_options_t* options, const char* path, size_t path_len,
    char** errptr);

/* Loads a geo table (CSV network,country,asn,as_org) now. Geo tables are
   asked first, in the order added. Errors name the file and line. */
OFFREGION_EXPORT int offregion_options_add_geo_table_file(
    offregion_options_t* options, const char* path, size_t path_len,
    char** errptr);

/* Opens a MaxMind GeoIP2/GeoLite2 database now. Databases are asked after
   the geo tables, in the order added. Returns NOT_FOUND, DATA_LOSS or
   FAILED_PRECONDITION (a database with neither country nor ASN data),
   naming the file. */
OFFREGION_EXPORT int offregion_options_add_mmdb_file(
    offregion_options_t* options, const char* path, size_t path_len,
    char** errptr);

/* Whether libloc is asked last for country and ASN. Default: 1. */
OFFREGION_EXPORT void offregion_options_set_use_default_geo(
    offregion_options_t* options, uint8_t use);

/* The bounds on memory, set with offregion_options_set_limit. Past each,
   the entries seen longest ago are forgotten (and counted, see
   offregion_detector_stat). */
typedef enum offregion_limit {
  OFFREGION_LIMIT_IDENTITIES = 0,           /* default 1,000,000 */
  OFFREGION_LIMIT_ENTRIES_PER_IDENTITY = 1, /* default 512 */
  OFFREGION_LIMIT_DEDUP_ENTRIES = 2,        /* default 1,000,000 */
  OFFREGION_LIMIT_SESSIONS = 3              /* default 1,000,000 */
} offregion_limit;

/* Sets the bound `limit` to `value`. Returns INVALID_ARGUMENT for an
   unknown limit or a value of 0. */
OFFREGION_EXPORT int offregion_options_set_limit(offregion_options_t* options,
                                                 int limit, uint64_t value,
                                                 char** errptr);

/* How many answers the geo cache keeps; 0 turns it off. Default: 65,536. */
OFFREGION_EXPORT void offregion_options_set_geo_cache_entries(
    offregion_options_t* options, uint64_t entries);

/* Loads an inventory (CSV compute_id,region[,account]) now, replacing any
   inventory or inventory callback set before. */
OFFREGION_EXPORT int offregion_options_set_inventory_file(
    offregion_options_t* options, const char* path, size_t path_len,
    char** errptr);

/* Callbacks run inside offregion_judge and must not call the detector they
   belong to: such a call is refused (an invalid verdict, a
   FAILED_PRECONDITION status, zero stats). */

/* A caller's inventory: asked where a compute resource runs. Returns 1 and
   writes the region (without NUL) into `region`, at most `region_capacity`
   bytes, setting *region_len; or returns 0 when it does not know. A region
   is letters, digits and dashes ("eu-west-1", any case); anything else
   counts as unknown. The
   strings it is given are valid only during the call. It may be called from
   any thread that judges, one call at a time per detector. */
typedef uint8_t (*offregion_inventory_fn)(void* state, const char* account,
                                          size_t account_len,
                                          const char* compute_id,
                                          size_t compute_id_len, char* region,
                                          size_t region_capacity,
                                          size_t* region_len);

/* Sets the caller's inventory, replacing any set before. `destructor` (may
   be NULL) is called with `state` once no detector or options use it. */
OFFREGION_EXPORT void offregion_options_set_inventory_callback(
    offregion_options_t* options, void* state, offregion_inventory_fn lookup,
    void (*destructor)(void* state));

/* What a caller's geo lookup answers, filled in through the setters below
   during the callback only. */
typedef struct offregion_geo_answer_t offregion_geo_answer_t;

/* Set the country (ISO alpha-2; anything else is ignored), ASN and AS
   organisation of the answer. */
OFFREGION_EXPORT void offregion_geo_answer_set_country(
    offregion_geo_answer_t* answer, const char* country, size_t country_len);
OFFREGION_EXPORT void offregion_geo_answer_set_asn(
    offregion_geo_answer_t* answer, uint32_t asn);
OFFREGION_EXPORT void offregion_geo_answer_set_as_org(
    offregion_geo_answer_t* answer, const char* as_org, size_t as_org_len);

/* A caller's geo/ASN lookup for `address` (text, e.g. "203.0.113.9").
   Returns 0 after filling what it knows (nothing is fine: no data), or
   non-zero when the lookup itself failed. Called from judging threads, one
   call at a time per detector. */
typedef int (*offregion_geo_fn)(void* state, const char* address,
                                size_t address_len,
                                offregion_geo_answer_t* answer);

/* Adds a caller's geo lookup to the chain after the geo tables and MaxMind
   databases, before libloc. `destructor` (may be NULL) is called with
   `state` once no detector or options use it. */
OFFREGION_EXPORT void offregion_options_add_geo_callback(
    offregion_options_t* options, void* state, offregion_geo_fn lookup,
    void (*destructor)(void* state));

/* ---------------------------------------------------------------------- */
/* Detector                                                                 */

typedef struct offregion_detector_t offregion_detector_t;

/* Creates a detector from `options` (copied: the options may be destroyed
   or changed afterwards). Stores it in *detector and returns OK, or returns
   the error of loading a default (the AWS ranges, libloc). */
OFFREGION_EXPORT int offregion_detector_create(
    const offregion_options_t* options, offregion_detector_t** detector,
    char** errptr);

/* Frees `detector`. No call on it may be running. */
OFFREGION_EXPORT void offregion_detector_destroy(
    offregion_detector_t* detector);

/* Reads the geo cache's counters into *hits and *misses. */
OFFREGION_EXPORT void offregion_detector_geo_cache_stats(
    const offregion_detector_t* detector, uint64_t* hits, uint64_t* misses);

/* What offregion_detector_stat reports. */
typedef enum offregion_stat {
  OFFREGION_STAT_IDENTITIES = 0,       /* profiles held */
  OFFREGION_STAT_DEDUP_ENTRIES = 1,    /* alert keys held */
  OFFREGION_STAT_TRACKED_SESSIONS = 2, /* issuance records held */
  OFFREGION_STAT_LEARNED_COMPUTES = 3, /* compute resources with regions */
  OFFREGION_STAT_EVICTED_PROFILE_ENTRIES = 4, /* forgotten to stay bounded */
  OFFREGION_STAT_EVICTED_DEDUP_ENTRIES = 5,
  OFFREGION_STAT_EVICTED_SESSIONS = 6,
  OFFREGION_STAT_EVICTED_LEARNED = 7
} offregion_stat;

/* Returns the counter `stat` of the detector's state; 0 for an unknown one
   or a NULL detector. */
OFFREGION_EXPORT uint64_t
offregion_detector_stat(const offregion_detector_t* detector, int stat);

/* Writes the detector's whole state to the file at `path`, replacing it
   atomically (a crash leaves the old snapshot or the new one). Errors name
   the file. Safe while other threads judge. */
OFFREGION_EXPORT int offregion_detector_save(
    const offregion_detector_t* detector, const char* path, size_t path_len,
    char** errptr);

/* Loads the snapshot at `path` into a detector that has judged no call
   yet. Returns NOT_FOUND when there is no file, DATA_LOSS for a corrupt or
   truncated one, FAILED_PRECONDITION for another format version or a
   detector already in use; the state is then untouched. */
OFFREGION_EXPORT int offregion_detector_load(offregion_detector_t* detector,
                                             const char* path, size_t path_len,
                                             char** errptr);

typedef struct offregion_verdict_t offregion_verdict_t;

/* Judges one CloudTrail record (JSON bytes) and stores its verdict in
   *verdict (free with offregion_verdict_destroy). A record that cannot be
   read is not a failure: its verdict's outcome is OFFREGION_OUTCOME_INVALID
   and offregion_verdict_error says why. Returns OK, or INVALID_ARGUMENT for
   NULL arguments, or INTERNAL. */
OFFREGION_EXPORT int offregion_judge(offregion_detector_t* detector,
                                     const char* json, size_t json_len,
                                     offregion_verdict_t** verdict,
                                     char** errptr);

typedef struct offregion_verdicts_t offregion_verdicts_t;

/* Judges `count` records in order, in one call: record i is the `lengths[i]`
   bytes of `data` that follow record i-1. Stores the verdicts, one per
   record in the same order, in *verdicts (free with
   offregion_verdicts_destroy). Returns as offregion_judge. */
OFFREGION_EXPORT int offregion_judge_batch(offregion_detector_t* detector,
                                           const char* data,
                                           const size_t* lengths, size_t count,
                                           offregion_verdicts_t** verdicts,
                                           char** errptr);

/* Returns the number of verdicts in the list. */
OFFREGION_EXPORT size_t
offregion_verdicts_count(const offregion_verdicts_t* verdicts);

/* Returns verdict `index`, borrowed: valid until the list is destroyed.
   NULL when index >= count. */
OFFREGION_EXPORT const offregion_verdict_t* offregion_verdicts_get(
    const offregion_verdicts_t* verdicts, size_t index);

/* Returns all verdicts as JSON Lines (one line each, each ending in "\n"),
   borrowed: valid until the list is destroyed. *len gets the length. */
OFFREGION_EXPORT const char* offregion_verdicts_json(
    const offregion_verdicts_t* verdicts, size_t* len);

/* Frees the list and its verdicts. */
OFFREGION_EXPORT void offregion_verdicts_destroy(
    offregion_verdicts_t* verdicts);

/* Frees a verdict from offregion_judge. */
OFFREGION_EXPORT void offregion_verdict_destroy(offregion_verdict_t* verdict);

/* ---------------------------------------------------------------------- */
/* Verdict accessors. Strings are borrowed, NUL-terminated, valid until the
   verdict (or its list) is destroyed; "" when absent. `len` may be NULL. */

OFFREGION_EXPORT int offregion_verdict_outcome(const offregion_verdict_t* v);
OFFREGION_EXPORT int offregion_verdict_severity(const offregion_verdict_t* v);
OFFREGION_EXPORT int offregion_verdict_variation(const offregion_verdict_t* v);
/* Event time in nanoseconds since the Unix epoch. */
OFFREGION_EXPORT int64_t
offregion_verdict_event_time_unix_nanos(const offregion_verdict_t* v);
OFFREGION_EXPORT uint32_t
offregion_verdict_origin_asn(const offregion_verdict_t* v);
OFFREGION_EXPORT uint8_t
offregion_verdict_unusual_country(const offregion_verdict_t* v);
OFFREGION_EXPORT uint8_t
offregion_verdict_unusual_asn(const offregion_verdict_t* v);

/* The string fields of a verdict. */
typedef enum offregion_verdict_field {
  OFFREGION_FIELD_EVENT_ID = 0,
  OFFREGION_FIELD_EVENT_NAME = 1,
  OFFREGION_FIELD_ALERT_ID = 2,
  OFFREGION_FIELD_DUPLICATE_OF = 3,
  OFFREGION_FIELD_ACCOUNT = 4,
  OFFREGION_FIELD_IDENTITY = 5,
  OFFREGION_FIELD_IDENTITY_CLASS = 6, /* "aws.ec2", "aws.lambda", ... */
  OFFREGION_FIELD_COMPUTE_ID = 7,
  OFFREGION_FIELD_HOME_REGION = 8,
  OFFREGION_FIELD_HOME_SOURCE = 9, /* "event", "inventory", ... */
  OFFREGION_FIELD_ORIGIN_ADDRESS = 10,
  OFFREGION_FIELD_ORIGIN_KIND = 11, /* "internet", "cloud", ... */
  OFFREGION_FIELD_ORIGIN_PROVIDER = 12,
  OFFREGION_FIELD_ORIGIN_REGION = 13,
  OFFREGION_FIELD_ORIGIN_COUNTRY = 14,
  OFFREGION_FIELD_ORIGIN_AS_ORG = 15,
  OFFREGION_FIELD_ERROR_CODE = 16,
  OFFREGION_FIELD_ERROR = 17,
  OFFREGION_FIELD_EXPLANATION = 18
} offregion_verdict_field;

/* Returns the string field `field` of the verdict, borrowed; "" for an
   unknown field. */
OFFREGION_EXPORT const char* offregion_verdict_string(
    const offregion_verdict_t* v, int field, size_t* len);

/* Returns the verdict as one line of JSON (no newline), borrowed. */
OFFREGION_EXPORT const char* offregion_verdict_json(
    const offregion_verdict_t* v, size_t* len);

/* ---------------------------------------------------------------------- */
/* Reading files: every shape CloudTrail records travel in                  */

typedef struct offregion_reader_t offregion_reader_t;

/* Opens the file at `path` ("-" is standard input; gzip or not) and stores
   a reader in *reader. Returns NOT_FOUND or PERMISSION_DENIED naming the
   file. */
OFFREGION_EXPORT int offregion_reader_open(const char* path, size_t path_len,
                                           offregion_reader_t** reader,
                                           char** errptr);

/* Reads the next record. Returns 1 and sets *json and *json_len to the record
   (borrowed until the next call on the reader), or returns 0 at the end.
   A record that could not be cut out sets *json to NULL and *error to a
   borrowed message naming the file and line; otherwise *error is NULL. */
OFFREGION_EXPORT uint8_t offregion_reader_next(offregion_reader_t* reader,
                                               const char** json,
                                               size_t* json_len,
                                               const char** error);

/* Returns OK when the input was read to its end, or why it ended early
   (DATA_LOSS for a truncated gzip stream), naming the file. */
OFFREGION_EXPORT int offregion_reader_status(const offregion_reader_t* reader,
                                             char** errptr);

/* Frees the reader and closes its file. */
OFFREGION_EXPORT void offregion_reader_destroy(offregion_reader_t* reader);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* OFFREGION_OFFREGION_H_ */
