// offregion/cloudtrail.h: AWS CloudTrail records in, Events out.
//
// ParseCloudTrailRecord reads one record. RecordReader reads a file (or
// standard input) in any of the shapes CloudTrail records travel in and
// hands out one raw record at a time, so that every record gets its own
// verdict and a broken one never stops the stream:
//   - S3 delivery files, `{"Records": [...]}`, gzip-compressed or not;
//   - a JSON array of records;
//   - JSON Lines, one record (or one delivery document) a line;
//   - the LookupEvents form, where the record is a JSON string in
//     `CloudTrailEvent`;
//   - records reshaped by log shippers (`@timestamp` for `eventTime`).
// Digest files and Insights records become Events of kind kNotACall.
//
// A RecordReader is used by one thread at a time; ParseCloudTrailRecord is
// thread-safe.
//
//   auto reader = offregion::RecordReader::Open("trail.json.gz");
//   offregion::RawRecord record;
//   while ((*reader)->Next(&record)) {
//     auto event = offregion::ParseCloudTrailRecord(record.json);
//     ...
//   }
//   if (!(*reader)->status().ok()) ...  // the file broke off

#ifndef OFFREGION_CLOUDTRAIL_H_
#define OFFREGION_CLOUDTRAIL_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "offregion/event.h"

namespace offregion {

// Returns the Event for one CloudTrail record (a JSON object). Returns
// InvalidArgument, with a message naming the field, when the text is not
// JSON, not an object, or lacks what every record has (a time, and for API
// calls a userIdentity object); wrongly typed fields are errors too.
absl::StatusOr<Event> ParseCloudTrailRecord(absl::string_view json);

// The same into *event (the caller's; not null), replacing every field.
// Its strings keep their memory: a caller that reads a stream into one
// Event allocates little. Returns the errors above; after an error,
// *event holds what was read before it.
absl::Status ParseCloudTrailRecord(absl::string_view json, Event* event);

// One record as read from a source, before parsing.
struct RawRecord {
  std::string json;      // the record's JSON text; empty when !status.ok()
  absl::Status status;   // not OK when this record could not be cut out
  std::string location;  // "FILE:LINE" or "FILE:record N", for messages
};

// Reads records from one file or from standard input.
class RecordReader {
 public:
  // The largest single document (a whole delivery file, or one line of
  // JSON Lines) that is read. Larger ones are reported as errors.
  static constexpr size_t kMaxDocumentBytes = size_t{512} << 20;

  // Opens `path`; "-" is standard input. Gzip is recognised by its magic
  // bytes, not by the file name. Returns NotFound or PermissionDenied,
  // naming the file, when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<RecordReader>> Open(
      const std::string& path);

  // Reads from a string already in memory (tests, bindings). `name` is used
  // in locations.
  static std::unique_ptr<RecordReader> FromString(std::string data,
                                                  std::string name);

  virtual ~RecordReader() = default;

  // Fills *record with the next record and returns true, or returns false
  // at the end of the input. A record that cannot be cut out (a broken JSON
  // line) is returned with a non-OK status and reading goes on after it.
  virtual bool Next(RawRecord* record) = 0;

  // Returns OK, or why the input ended early (truncated gzip, read error,
  // a document that is not JSON at all). Records handed out before stay
  // valid.
  virtual absl::Status status() const = 0;
};

}  // namespace offregion

#endif  // OFFREGION_CLOUDTRAIL_H_
