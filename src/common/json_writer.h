// A minimal writer of one-line JSON objects, for verdicts and summaries.
// simdjson parses but does not write JSON, so this is the one place that
// escapes strings.

#ifndef OFFREGION_SRC_COMMON_JSON_WRITER_H_
#define OFFREGION_SRC_COMMON_JSON_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace offregion::internal {

// Appends `text` to *out as a JSON string literal, quotes included.
// Invalid UTF-8 bytes are replaced by U+FFFD so the output stays valid.
void AppendJsonString(absl::string_view text, std::string* out);

// Writes one JSON object. Members with an empty string value are left out
// by String(); use StringAlways() to keep them.
class JsonWriter {
 public:
  JsonWriter();

  void String(absl::string_view key, absl::string_view value);
  void StringAlways(absl::string_view key, absl::string_view value);
  void Number(absl::string_view key, int64_t value);
  void Double(absl::string_view key, double value);
  void Bool(absl::string_view key, bool value);
  void BeginObject(absl::string_view key);
  void EndObject();

  // Closes the object and returns the text. The writer is then spent.
  std::string Finish();

 private:
  void Key(absl::string_view key);

  std::string out_;
  bool first_ = true;
};

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_COMMON_JSON_WRITER_H_
