/* Tests of the C ABI, compiled as C, in named phases: versions, options,
   judging one record and a batch, accessors, callbacks, readers, errors,
   snapshots, and one detector shared by threads. */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "offregion/offregion.h"

static const char* phase = "";
static int failures = 0;

#define CHECK(cond)                                                    \
  do {                                                                 \
    if (!(cond)) {                                                     \
      fprintf(stderr, "%s:%d: phase %s: CHECK failed: %s\n", __FILE__, \
              __LINE__, phase, #cond);                                 \
      failures++;                                                      \
    }                                                                  \
  } while (0)

#define CHECK_STR(got, want) CHECK(strcmp((got), (want)) == 0)

static void StartPhase(const char* name) {
  phase = name;
  fprintf(stderr, "=== %s\n", name);
}

static const char kOtrf[] = OFFREGION_SOURCE_DIR
    "/examples/logs/otrf/ec2_proxy_s3_exfiltration_2020-09-14011940.json";
static const char kGeo[] = OFFREGION_SOURCE_DIR "/tests/data/capi/geo.csv";

/* An EC2 instance-profile call from `source` at `time`. */
static int Ec2Record(char* out, size_t cap, const char* id, const char* time,
                     const char* source) {
  return snprintf(
      out, cap,
      "{\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::"
      "111122223333:assumed-role/web/i-0a1b2c3d4e5f60718\",\"accountId\":"
      "\"111122223333\",\"sessionContext\":{\"ec2RoleDelivery\":\"2.0\"}},"
      "\"eventTime\":\"%s\",\"eventName\":\"ListBuckets\",\"awsRegion\":"
      "\"us-east-1\",\"sourceIPAddress\":\"%s\",\"eventID\":\"%s\"}",
      time, source, id);
}

static offregion_detector_t* NewDetector(offregion_options_t* options) {
  offregion_detector_t* detector = NULL;
  char* err = NULL;
  int status = offregion_detector_create(options, &detector, &err);
  if (status != OFFREGION_OK) fprintf(stderr, "create: %s\n", err);
  CHECK(status == OFFREGION_OK);
  CHECK(err == NULL);
  offregion_free(err);
  return detector;
}

static offregion_options_t* TestOptions(void) {
  offregion_options_t* options = offregion_options_create();
  char* err = NULL;
  CHECK(offregion_options_set_activation_seconds(options, 0, &err) == 0);
  offregion_options_set_use_default_geo(options, 0);
  CHECK(offregion_options_add_geo_table_file(options, kGeo, strlen(kGeo),
                                             &err) == OFFREGION_OK);
  CHECK(err == NULL);
  return options;
}

static void TestVersion(void) {
  StartPhase("version");
  CHECK_STR(offregion_version_string(), OFFREGION_VERSION_STRING);
  CHECK(offregion_version_number() == OFFREGION_VERSION_NUMBER);
  CHECK(OFFREGION_VERSION_NUMBER == OFFREGION_VERSION_MAJOR * 10000 +
                                        OFFREGION_VERSION_MINOR * 100 +
                                        OFFREGION_VERSION_PATCH);
  CHECK_STR(offregion_status_string(OFFREGION_NOT_FOUND), "not_found");
  CHECK_STR(offregion_status_string(1000), "unknown");
  CHECK_STR(offregion_outcome_name(OFFREGION_OUTCOME_SUPPRESSED), "suppressed");
  CHECK_STR(offregion_severity_name(OFFREGION_SEVERITY_HIGH), "high");
  CHECK_STR(offregion_variation_name(
                OFFREGION_VARIATION_OUTSIDE_REGION_UNUSUAL_GEO_AND_ASN),
            "outside_region_unusual_geo_and_asn");
  CHECK_STR(offregion_variation_name(99), "");
}

static void TestOptionErrors(void) {
  StartPhase("option errors");
  offregion_options_t* options = offregion_options_create();
  char* err = NULL;
  CHECK(offregion_options_set_training_seconds(options, 0, &err) ==
        OFFREGION_INVALID_ARGUMENT);
  CHECK_STR(err, "training must be above 0 seconds");
  CHECK(offregion_options_set_severity(options, "nope", 4, "high", 4, &err) ==
        OFFREGION_INVALID_ARGUMENT);
  CHECK_STR(err, "unknown variation \"nope\"");
  CHECK(offregion_options_set_severity(options, "outside_region", 14, "Medium",
                                       6, &err) == OFFREGION_OK);
  CHECK(offregion_options_set_aws_ranges_file(options, "/no/such.json", 13,
                                              &err) == OFFREGION_NOT_FOUND);
  CHECK(strstr(err, "/no/such.json") != NULL);
  const char* mmdb =
      OFFREGION_SOURCE_DIR "/tests/data/maxmind/GeoIP2-Anonymous-IP-Test.mmdb";
  CHECK(offregion_options_add_mmdb_file(options, mmdb, strlen(mmdb), &err) ==
        OFFREGION_FAILED_PRECONDITION);
  CHECK(offregion_options_set_activation_seconds(NULL, 1, &err) ==
        OFFREGION_INVALID_ARGUMENT);
  CHECK(offregion_options_set_activation_seconds(options, 1, NULL) ==
        OFFREGION_OK);
  offregion_free(err);
  offregion_options_destroy(options);
  offregion_options_destroy(NULL);
  offregion_detector_destroy(NULL);
  offregion_verdict_destroy(NULL);
  offregion_verdicts_destroy(NULL);
  offregion_reader_destroy(NULL);
}

static void TestJudge(void) {
  StartPhase("judge");
  offregion_options_t* options = TestOptions();
  offregion_detector_t* detector = NewDetector(options);
  offregion_options_destroy(options); /* the detector keeps a copy */
  char record[1024];
  int n = Ec2Record(record, sizeof record, "e-1", "2026-03-01T09:00:00Z",
                    "203.0.113.10");
  offregion_verdict_t* verdict = NULL;
  char* err = NULL;
  CHECK(offregion_judge(detector, record, (size_t)n, &verdict, &err) ==
        OFFREGION_OK);
  CHECK(offregion_verdict_outcome(verdict) == OFFREGION_OUTCOME_UNRESOLVED);
  size_t len = 0;
  CHECK_STR(offregion_verdict_string(verdict, OFFREGION_FIELD_EVENT_ID, &len),
            "e-1");
  CHECK(len == 3);
  CHECK_STR(
      offregion_verdict_string(verdict, OFFREGION_FIELD_IDENTITY_CLASS, NULL),
      "aws.ec2");
  CHECK_STR(
      offregion_verdict_string(verdict, OFFREGION_FIELD_ORIGIN_COUNTRY, NULL),
      "NL");
  CHECK(offregion_verdict_origin_asn(verdict) == 64501);
  CHECK(offregion_verdict_event_time_unix_nanos(verdict) ==
        1772355600LL * 1000000000LL);
  CHECK_STR(offregion_verdict_string(verdict, 12345, &len), "");
  const char* json = offregion_verdict_json(verdict, &len);
  CHECK(strncmp(json, "{\"outcome\":\"unresolved\"", 23) == 0);
  CHECK(strlen(json) == len);
  offregion_verdict_destroy(verdict);

  CHECK(offregion_judge(detector, "{broken", 7, &verdict, &err) ==
        OFFREGION_OK);
  CHECK(offregion_verdict_outcome(verdict) == OFFREGION_OUTCOME_INVALID);
  CHECK(strlen(offregion_verdict_string(verdict, OFFREGION_FIELD_ERROR, NULL)) >
        0);
  offregion_verdict_destroy(verdict);
  CHECK(offregion_judge(NULL, record, (size_t)n, &verdict, &err) ==
        OFFREGION_INVALID_ARGUMENT);
  CHECK_STR(err, "a required argument is NULL");
  offregion_free(err);
  offregion_detector_destroy(detector);
}

/* Reads every record of `path` into one buffer plus lengths. */
static size_t ReadAll(const char* path, char** data, size_t** lengths) {
  offregion_reader_t* reader = NULL;
  char* err = NULL;
  CHECK(offregion_reader_open(path, strlen(path), &reader, &err) == 0);
  size_t count = 0, size = 0, cap = 1 << 20;
  *data = malloc(cap);
  *lengths = malloc(sizeof(size_t) * 4096);
  const char* json;
  size_t len;
  const char* error;
  while (offregion_reader_next(reader, &json, &len, &error)) {
    CHECK(error == NULL);
    CHECK(size + len <= cap && count < 4096);
    memcpy(*data + size, json, len);
    size += len;
    (*lengths)[count++] = len;
  }
  CHECK(offregion_reader_status(reader, &err) == OFFREGION_OK);
  offregion_reader_destroy(reader);
  return count;
}

static void TestBatchAndReader(void) {
  StartPhase("batch and reader");
  char* data;
  size_t* lengths;
  size_t count = ReadAll(kOtrf, &data, &lengths);
  CHECK(count == 103);

  offregion_options_t* options = offregion_options_create();
  offregion_options_set_activation_seconds(options, 0, NULL);
  offregion_options_set_use_default_geo(options, 0);
  offregion_detector_t* detector = NewDetector(options);
  offregion_verdicts_t* verdicts = NULL;
  CHECK(offregion_judge_batch(detector, data, lengths, count, &verdicts,
                              NULL) == OFFREGION_OK);
  CHECK(offregion_verdicts_count(verdicts) == 103);
  int alerts = 0, suppressed = 0;
  for (size_t i = 0; i < count; i++) {
    const offregion_verdict_t* v = offregion_verdicts_get(verdicts, i);
    alerts += offregion_verdict_outcome(v) == OFFREGION_OUTCOME_ALERT;
    suppressed += offregion_verdict_outcome(v) == OFFREGION_OUTCOME_SUPPRESSED;
    if (offregion_verdict_outcome(v) == OFFREGION_OUTCOME_ALERT) {
      CHECK_STR(offregion_verdict_string(v, OFFREGION_FIELD_COMPUTE_ID, NULL),
                "i-0317f6c6b66ae9c40");
      CHECK_STR(offregion_verdict_string(v, OFFREGION_FIELD_HOME_SOURCE, NULL),
                "issuance");
    }
  }
  CHECK(alerts == 1);
  CHECK(suppressed == 10);
  CHECK(offregion_verdicts_get(verdicts, count) == NULL);
  size_t len = 0;
  const char* jsonl = offregion_verdicts_json(verdicts, &len);
  size_t lines = 0;
  for (size_t i = 0; i < len; i++) lines += jsonl[i] == '\n';
  CHECK(lines == 103);
  offregion_verdicts_destroy(verdicts);

  offregion_reader_t* reader = NULL;
  char* err = NULL;
  CHECK(offregion_reader_open("/no/such/file", 13, &reader, &err) ==
        OFFREGION_NOT_FOUND);
  CHECK(strstr(err, "/no/such/file") != NULL);
  offregion_free(err);
  offregion_detector_destroy(detector);
  offregion_options_destroy(options);
  free(data);
  free(lengths);
}

static int destroyed = 0;
static void CountDestroy(void* state) {
  (void)state;
  destroyed++;
}

static uint8_t Inventory(void* state, const char* account, size_t account_len,
                         const char* compute_id, size_t compute_id_len,
                         char* region, size_t cap, size_t* region_len) {
  (void)state;
  (void)account;
  (void)account_len;
  if (compute_id_len != 19 || memcmp(compute_id, "i-0a1b2c3d4e5f60718", 19)) {
    return 0;
  }
  CHECK(cap >= 9);
  memcpy(region, "eu-west-1", 9);
  *region_len = 9;
  return 1;
}

static int Geo(void* state, const char* address, size_t len,
               offregion_geo_answer_t* answer) {
  (void)state;
  if (len == 12 && memcmp(address, "198.51.100.7", 12) == 0) {
    offregion_geo_answer_set_country(answer, "br", 2);
    offregion_geo_answer_set_asn(answer, 64999);
    offregion_geo_answer_set_as_org(answer, "CALLBACK-NET", 12);
    return 0;
  }
  return len == 9 && memcmp(address, "192.0.2.1", 9) == 0 ? 1 : 0;
}

static void TestCallbacks(void) {
  StartPhase("callbacks");
  offregion_options_t* options = offregion_options_create();
  offregion_options_set_activation_seconds(options, 0, NULL);
  offregion_options_set_use_default_geo(options, 0);
  offregion_options_set_inventory_callback(options, NULL, Inventory,
                                           CountDestroy);
  offregion_options_add_geo_callback(options, NULL, Geo, CountDestroy);
  offregion_detector_t* detector = NewDetector(options);
  offregion_options_destroy(options);
  CHECK(destroyed == 0); /* the detector still uses them */

  char record[1024];
  int n = Ec2Record(record, sizeof record, "e-1", "2026-03-01T09:00:00Z",
                    "198.51.100.7");
  offregion_verdict_t* v = NULL;
  CHECK(offregion_judge(detector, record, (size_t)n, &v, NULL) == 0);
  CHECK(offregion_verdict_outcome(v) == OFFREGION_OUTCOME_ALERT);
  CHECK_STR(offregion_verdict_string(v, OFFREGION_FIELD_HOME_REGION, NULL),
            "eu-west-1");
  CHECK_STR(offregion_verdict_string(v, OFFREGION_FIELD_HOME_SOURCE, NULL),
            "inventory");
  CHECK_STR(offregion_verdict_string(v, OFFREGION_FIELD_ORIGIN_COUNTRY, NULL),
            "BR");
  CHECK(offregion_verdict_origin_asn(v) == 64999);
  CHECK_STR(offregion_verdict_string(v, OFFREGION_FIELD_ORIGIN_AS_ORG, NULL),
            "CALLBACK-NET");
  offregion_verdict_destroy(v);

  n = Ec2Record(record, sizeof record, "e-2", "2026-03-01T10:00:00Z",
                "192.0.2.1");
  CHECK(offregion_judge(detector, record, (size_t)n, &v, NULL) == 0);
  CHECK(strstr(offregion_verdict_string(v, OFFREGION_FIELD_ERROR, NULL),
               "geo lookup failed") != NULL);
  offregion_verdict_destroy(v);
  uint64_t hits = 9, misses = 9;
  offregion_detector_geo_cache_stats(detector, &hits, &misses);
  CHECK(hits == 0 && misses == 2);
  offregion_detector_destroy(detector);
  CHECK(destroyed == 2);
}

static void TestSnapshot(void) {
  StartPhase("snapshot");
  char path[] = "/tmp/offregion-capi-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  offregion_options_t* options = TestOptions();
  offregion_detector_t* first = NewDetector(options);
  char record[1024];
  int n = Ec2Record(record, sizeof record, "e-1", "2026-03-01T09:00:00Z",
                    "203.0.113.10");
  offregion_verdict_t* v = NULL;
  CHECK(offregion_judge(first, record, (size_t)n, &v, NULL) == 0);
  offregion_verdict_destroy(v);
  char* err = NULL;
  CHECK(offregion_detector_save(first, path, strlen(path), &err) == 0);
  CHECK(offregion_detector_stat(first, OFFREGION_STAT_IDENTITIES) == 1);
  CHECK(offregion_detector_load(first, path, strlen(path), &err) ==
        OFFREGION_FAILED_PRECONDITION);

  offregion_detector_t* second = NewDetector(options);
  CHECK(offregion_detector_load(second, path, strlen(path), &err) == 0);
  CHECK(offregion_detector_stat(second, OFFREGION_STAT_IDENTITIES) == 1);
  CHECK(offregion_detector_stat(second, 999) == 0);
  offregion_detector_destroy(second);

  FILE* file = fopen(path, "wb");
  fputs("not a snapshot", file);
  fclose(file);
  second = NewDetector(options);
  CHECK(offregion_detector_load(second, path, strlen(path), &err) ==
        OFFREGION_DATA_LOSS);
  CHECK(strstr(err, path) != NULL);
  unlink(path);
  CHECK(offregion_detector_load(second, path, strlen(path), &err) ==
        OFFREGION_NOT_FOUND);
  offregion_free(err);
  offregion_detector_destroy(second);
  offregion_detector_destroy(first);
  offregion_options_destroy(options);
}

enum { kThreads = 4, kPerThread = 500 };
static offregion_detector_t* shared_detector;

static void* JudgeMany(void* arg) {
  const int t = *(const int*)arg;
  int ok = 0;
  char record[1024], id[32];
  for (int i = 0; i < kPerThread; i++) {
    snprintf(id, sizeof id, "t%d-%d", t, i);
    int n = Ec2Record(record, sizeof record, id, "2026-03-01T09:00:00Z",
                      i % 2 ? "203.0.113.10" : "10.1.2.3");
    offregion_verdict_t* v = NULL;
    if (offregion_judge(shared_detector, record, (size_t)n, &v, NULL) == 0 &&
        strcmp(offregion_verdict_string(v, OFFREGION_FIELD_EVENT_ID, NULL),
               id) == 0) {
      ok++;
    }
    offregion_verdict_destroy(v);
  }
  return (void*)(intptr_t)ok;
}

static void TestThreads(void) {
  StartPhase("threads");
  offregion_options_t* options = TestOptions();
  shared_detector = NewDetector(options);
  offregion_options_destroy(options);
  pthread_t threads[kThreads];
  int ids[kThreads];
  for (int t = 0; t < kThreads; t++) {
    ids[t] = t;
    CHECK(pthread_create(&threads[t], NULL, JudgeMany, &ids[t]) == 0);
  }
  int ok = 0;
  for (int t = 0; t < kThreads; t++) {
    void* result;
    pthread_join(threads[t], &result);
    ok += (int)(intptr_t)result;
  }
  CHECK(ok == kThreads * kPerThread);
  uint64_t hits = 0, misses = 0;
  offregion_detector_geo_cache_stats(shared_detector, &hits, &misses);
  CHECK(hits + misses == kThreads * kPerThread / 2);
  CHECK(misses == 1);
  offregion_detector_destroy(shared_detector);
}

int main(void) {
  TestVersion();
  TestOptionErrors();
  TestJudge();
  TestBatchAndReader();
  TestCallbacks();
  TestSnapshot();
  TestThreads();
  if (failures == 0) {
    fprintf(stderr, "PASS\n");
    return 0;
  }
  fprintf(stderr, "%d failures\n", failures);
  return 1;
}
