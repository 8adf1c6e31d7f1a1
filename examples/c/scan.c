/* Judges CloudTrail files through the C ABI and prints the alerts as JSON.

   usage: scan FILE...   (activation 0: the shipped samples span minutes) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offregion/offregion.h"

/* Judges every record of `path`; returns 0, or 1 when it cannot be read. */
static int ScanFile(offregion_detector_t* detector, const char* path) {
  offregion_reader_t* reader = NULL;
  char* err = NULL;
  if (offregion_reader_open(path, strlen(path), &reader, &err) != 0) {
    fprintf(stderr, "%s\n", err);
    offregion_free(err);
    return 1;
  }
  const char* json;
  size_t len;
  const char* error;
  while (offregion_reader_next(reader, &json, &len, &error)) {
    if (error != NULL) {
      fprintf(stderr, "skipped: %s\n", error);
      continue;
    }
    offregion_verdict_t* verdict = NULL;
    if (offregion_judge(detector, json, len, &verdict, &err) != 0) {
      fprintf(stderr, "%s\n", err);
      offregion_free(err);
      err = NULL;
      continue;
    }
    if (offregion_verdict_outcome(verdict) == OFFREGION_OUTCOME_ALERT) {
      puts(offregion_verdict_json(verdict, NULL));
    }
    offregion_verdict_destroy(verdict);
  }
  if (offregion_reader_status(reader, &err) != 0) {
    fprintf(stderr, "%s\n", err);
    offregion_free(err);
  }
  offregion_reader_destroy(reader);
  return 0;
}

int main(int argc, char** argv) {
  offregion_options_t* options = offregion_options_create();
  offregion_options_set_activation_seconds(options, 0, NULL);
  offregion_detector_t* detector = NULL;
  char* err = NULL;
  int status = offregion_detector_create(options, &detector, &err);
  offregion_options_destroy(options);
  if (status != OFFREGION_OK) {
    fprintf(stderr, "offregion: %s: %s\n", offregion_status_string(status),
            err);
    offregion_free(err);
    return 1;
  }
  int failed = 0;
  for (int i = 1; i < argc; i++) failed |= ScanFile(detector, argv[i]);
  offregion_detector_destroy(detector);
  return failed;
}
