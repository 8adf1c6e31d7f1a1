// One-line JSON object writer: string escaping and member separators.

#include "src/common/json_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace offregion::internal {
namespace {

// Returns the length of the valid UTF-8 sequence at the start of `s`, or 0.
size_t Utf8SequenceLength(absl::string_view s) {
  const auto c = static_cast<unsigned char>(s[0]);
  size_t n = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(out, "\\u%04x", c);
    } else if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(text.substr(i));
      if (n == 0) {
        out->append("\xEF\xBF\xBD");
        ++i;
        continue;
      }
      out->append(text.data() + i, n);
      i += n;
      continue;
    } else {
      out->push_back(static_cast<char>(c));
    }
    ++i;
  }
  out->push_back('"');
}

JsonWriter::JsonWriter() : out_("{") {}

void JsonWriter::Key(absl::string_view key) {
  if (!first_) out_.push_back(',');
  first_ = false;
  AppendJsonString(key, &out_);
  out_.push_back(':');
}

void JsonWriter::String(absl::string_view key, absl::string_view value) {
  if (!value.empty()) StringAlways(key, value);
}

void JsonWriter::StringAlways(absl::string_view key, absl::string_view value) {
  Key(key);
  AppendJsonString(value, &out_);
}

void JsonWriter::Number(absl::string_view key, int64_t value) {
  Key(key);
  absl::StrAppend(&out_, value);
}

void JsonWriter::Double(absl::string_view key, double value) {
  Key(key);
  absl::StrAppendFormat(&out_, "%.1f", value);
}

void JsonWriter::Bool(absl::string_view key, bool value) {
  Key(key);
  out_.append(value ? "true" : "false");
}

void JsonWriter::BeginObject(absl::string_view key) {
  Key(key);
  out_.push_back('{');
  first_ = true;
}

void JsonWriter::EndObject() {
  out_.push_back('}');
  first_ = false;
}

std::string JsonWriter::Finish() {
  out_.push_back('}');
  return std::move(out_);
}

}  // namespace offregion::internal
