// RecordReader: cuts CloudTrail records out of a file, standard input or a
// string, whatever the shape (delivery document, JSON array, JSON Lines),
// reading gzip or plain text through zlib.

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "offregion/cloudtrail.h"
#include "src/ingest/record_reader_internal.h"

namespace offregion {
namespace {

namespace dom = simdjson::dom;
namespace ondemand = simdjson::ondemand;

constexpr size_t kChunkBytes = size_t{256} << 10;
constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// What a valid JSON text holds.
enum class Shape {
  kInvalid,        // not JSON
  kRecordsObject,  // an object with a Records array: a delivery file
  kEventsObject,   // an object with an Events array: lookup-events output
  kArray,          // a top-level array of records
  kSingle,         // anything else: one record
};

// Classifies `json`; sets *error when it is not valid JSON.
Shape Classify(dom::parser& parser, absl::string_view json,
               simdjson::error_code* error) {
  dom::element root;
  *error = parser.parse(json.data(), json.size()).get(root);
  if (*error != simdjson::SUCCESS) return Shape::kInvalid;
  if (root.is_array()) return Shape::kArray;
  dom::array records;
  if (root.is_object() &&
      root["Records"].get_array().get(records) == simdjson::SUCCESS) {
    return Shape::kRecordsObject;
  }
  if (root.is_object() &&
      root["Events"].get_array().get(records) == simdjson::SUCCESS) {
    return Shape::kEventsObject;
  }
  return Shape::kSingle;
}

// Sets *raw to the JSON text of `value` (which is consumed).
simdjson::error_code RawJson(ondemand::value& value, std::string_view* raw) {
  ondemand::json_type type;
  simdjson::error_code error = value.type().get(type);
  if (error != simdjson::SUCCESS) return error;
  if (type == ondemand::json_type::object) {
    ondemand::object object;
    error = value.get_object().get(object);
    if (error == simdjson::SUCCESS) error = object.raw_json().get(*raw);
  } else if (type == ondemand::json_type::array) {
    ondemand::array array;
    error = value.get_array().get(array);
    if (error == simdjson::SUCCESS) error = array.raw_json().get(*raw);
  } else {
    *raw = value.raw_json_token();
  }
  // The raw text runs up to the next token: drop the blanks before it.
  while (!raw->empty() && IsBlank(raw->back())) raw->remove_suffix(1);
  return error;
}

// Records cut out of one document: the texts point into `text`.
struct Pieces {
  simdjson::padded_string text;
  std::vector<std::string_view> records;
  size_t next = 0;
  std::string location_prefix;  // "FILE:record ", "FILE:LINE:record "
};

// Cuts the elements of the top-level array, or of the Records array, out of
// pieces->text, which is valid JSON of that shape.
absl::Status CutElements(ondemand::parser& parser, Shape shape,
                         Pieces* pieces) {
  ondemand::document document;
  ondemand::array array;
  simdjson::error_code error = parser.iterate(pieces->text).get(document);
  if (error == simdjson::SUCCESS) {
    error = shape == Shape::kArray ? document.get_array().get(array)
            : shape == Shape::kEventsObject
                ? document["Events"].get_array().get(array)
                : document["Records"].get_array().get(array);
  }
  if (error == simdjson::SUCCESS) {
    for (auto element : array) {
      ondemand::value value;
      std::string_view raw;
      error = element.get(value);
      if (error == simdjson::SUCCESS) error = RawJson(value, &raw);
      if (error != simdjson::SUCCESS) break;
      pieces->records.push_back(raw);
    }
  }
  if (error != simdjson::SUCCESS) {
    return absl::InternalError(
        absl::StrCat("cannot cut records: ", simdjson::error_message(error)));
  }
  return absl::OkStatus();
}

// Fills *record; returns true.
bool Emit(RawRecord* record, std::string json, absl::Status status,
          const std::string& location) {
  record->json = std::move(json);
  record->status = std::move(status);
  record->location = location;
  return true;
}

class RecordReaderImpl final : public RecordReader {
 public:
  // Reads `data`, then `file` (gzip or plain) if not null; takes `file`.
  RecordReaderImpl(gzFile file, std::string name, std::string data,
                   size_t max_document_bytes)
      : file_(file),
        name_(std::move(name)),
        buffer_(std::move(data)),
        max_document_bytes_(max_document_bytes),
        eof_(file == nullptr) {}

  ~RecordReaderImpl() override {
    if (file_ != nullptr) gzclose(file_);
  }

  bool Next(RawRecord* record) override;
  absl::Status status() const override { return status_; }

 private:
  enum class Mode { kUndecided, kDocument, kLines, kDone };

  // Appends one chunk of input to buffer_; sets eof_ (and status_ on error).
  void Fill();
  // Sets status_ from gzerror's answer (and errno for Z_ERRNO).
  void ReadError(int zlib_error, const char* message, int error_number);
  // Drops the consumed bytes before pos_.
  void Compact();
  // Fills buffer_ until it holds a non-blank byte at or after `from`;
  // returns its index, or npos at the end of the input.
  size_t FindNonBlank(size_t from);
  // Fills buffer_ until it holds a '\n' at or after `from`; returns its
  // index, or buffer_.size() at the end of the input or beyond the limit.
  size_t FindNewline(size_t from);
  bool OverLimit() const { return buffer_.size() - pos_ > max_document_bytes_; }

  // Chooses between one document and JSON Lines, from the first line.
  void Decide();
  void StartDocument(size_t begin, size_t end, Shape shape);
  bool NextPiece(RawRecord* record);
  bool NextLine(RawRecord* record);
  // Sets *line to the next line (without '\n'); false at the end.
  bool ReadLine(absl::string_view* line, bool* too_long);
  void SkipRestOfLine();

  gzFile file_;
  std::string name_;
  std::string buffer_;  // input read and not yet consumed, from pos_
  size_t pos_ = 0;
  size_t max_document_bytes_;
  bool eof_;
  absl::Status status_;
  Mode mode_ = Mode::kUndecided;
  size_t line_number_ = 0;
  Pieces pieces_;
  dom::parser dom_parser_;
  ondemand::parser ondemand_parser_;
};

void RecordReaderImpl::ReadError(int zlib_error, const char* message,
                                 int error_number) {
  if (zlib_error == Z_ERRNO) {
    status_ = absl::ErrnoToStatus(error_number, name_);
    return;
  }
  // zlib prefixes its messages with "<fd:N>: ", the name it knows.
  absl::string_view text = message == nullptr ? "" : message;
  if (absl::StartsWith(text, "<fd:")) {
    size_t colon = text.find(": ");
    if (colon != absl::string_view::npos) text.remove_prefix(colon + 2);
  }
  if (zlib_error == Z_BUF_ERROR) {
    status_ = absl::DataLossError(
        absl::StrCat(name_, ": truncated gzip stream (", text, ")"));
  } else {
    status_ = absl::DataLossError(
        absl::StrCat(name_, ": corrupt gzip stream (", text, ")"));
  }
}

void RecordReaderImpl::Fill() {
  if (eof_) return;
  size_t old_size = buffer_.size();
  buffer_.resize(old_size + kChunkBytes);
  int n = gzread(file_, buffer_.data() + old_size,
                 static_cast<unsigned>(kChunkBytes));
  int error_number = errno;
  buffer_.resize(old_size + (n > 0 ? static_cast<size_t>(n) : 0));
  if (n > 0) return;
  eof_ = true;
  int zlib_error = Z_OK;
  const char* message = gzerror(file_, &zlib_error);
  if (n < 0 || zlib_error != Z_OK) {
    ReadError(zlib_error, message, error_number);
  }
}

void RecordReaderImpl::Compact() {
  buffer_.erase(0, pos_);
  pos_ = 0;
}

size_t RecordReaderImpl::FindNonBlank(size_t from) {
  while (true) {
    while (from < buffer_.size() && IsBlank(buffer_[from])) ++from;
    if (from < buffer_.size()) return from;
    if (eof_) return std::string::npos;
    Fill();
  }
}

size_t RecordReaderImpl::FindNewline(size_t from) {
  while (true) {
    size_t newline = buffer_.find('\n', from);
    if (newline != std::string::npos) return newline;
    from = buffer_.size();
    if (eof_ || OverLimit()) return buffer_.size();
    Fill();
  }
}

void RecordReaderImpl::Decide() {
  mode_ = Mode::kLines;
  FindNonBlank(0);
  if (absl::StartsWith(buffer_, kUtf8Bom)) pos_ = kUtf8Bom.size();
  size_t begin = FindNonBlank(pos_);
  if (begin == std::string::npos) {
    mode_ = Mode::kDone;
    return;
  }
  if (buffer_[begin] != '{' && buffer_[begin] != '[') return;
  size_t end = FindNewline(begin);
  if (end - begin > max_document_bytes_) {
    status_ = absl::ResourceExhaustedError(absl::StrCat(
        name_, ": a document larger than ", max_document_bytes_, " bytes"));
    mode_ = Mode::kDone;
    return;
  }
  // A first line that is JSON on its own is the whole document when only
  // blanks follow, else the first of JSON Lines.
  simdjson::error_code error;
  absl::string_view first_line(buffer_.data() + begin, end - begin);
  Shape shape = Classify(dom_parser_, first_line, &error);
  if (shape != Shape::kInvalid) {
    if (FindNonBlank(end) == std::string::npos && status_.ok()) {
      StartDocument(begin, end, shape);
    }
    return;
  }
  // Else try the whole input as one (pretty-printed) document.
  while (!eof_ && !OverLimit()) Fill();
  if (OverLimit()) {
    status_ = absl::ResourceExhaustedError(absl::StrCat(
        name_, ": a document larger than ", max_document_bytes_, " bytes"));
    mode_ = Mode::kDone;
    return;
  }
  if (!status_.ok()) return;
  absl::string_view all(buffer_.data() + begin, buffer_.size() - begin);
  shape = Classify(dom_parser_, all, &error);
  if (shape != Shape::kInvalid) StartDocument(begin, buffer_.size(), shape);
}

void RecordReaderImpl::StartDocument(size_t begin, size_t end, Shape shape) {
  mode_ = Mode::kDocument;
  absl::string_view text = absl::StripTrailingAsciiWhitespace(
      absl::string_view(buffer_.data() + begin, end - begin));
  pieces_.text = simdjson::padded_string(text.data(), text.size());
  pieces_.location_prefix = absl::StrCat(name_, ":record ");
  buffer_.clear();
  buffer_.shrink_to_fit();
  pos_ = 0;
  if (shape == Shape::kSingle) {
    pieces_.records.push_back(pieces_.text);
    return;
  }
  absl::Status cut = CutElements(ondemand_parser_, shape, &pieces_);
  if (!cut.ok()) status_ = cut;
}

bool RecordReaderImpl::NextPiece(RawRecord* record) {
  if (pieces_.next >= pieces_.records.size()) return false;
  size_t index = pieces_.next++;
  return Emit(record, std::string(pieces_.records[index]), absl::OkStatus(),
              absl::StrCat(pieces_.location_prefix, index + 1));
}

void RecordReaderImpl::SkipRestOfLine() {
  while (true) {
    size_t newline = buffer_.find('\n', pos_);
    if (newline != std::string::npos) {
      pos_ = newline + 1;
      return;
    }
    pos_ = buffer_.size();
    Compact();
    if (eof_) return;
    Fill();
  }
}

bool RecordReaderImpl::ReadLine(absl::string_view* line, bool* too_long) {
  *too_long = false;
  size_t scanned = pos_;
  while (true) {
    size_t newline = buffer_.find('\n', scanned);
    if (newline != std::string::npos) {
      *line = absl::string_view(buffer_.data() + pos_, newline - pos_);
      *too_long = line->size() > max_document_bytes_;
      pos_ = newline + 1;
      return true;
    }
    if (OverLimit()) {
      *too_long = true;
      SkipRestOfLine();
      return true;
    }
    if (eof_) {
      // A last line cut off by a read error is not a record.
      if (pos_ == buffer_.size() || !status_.ok()) return false;
      *line = absl::string_view(buffer_.data() + pos_, buffer_.size() - pos_);
      pos_ = buffer_.size();
      return true;
    }
    Compact();
    scanned = buffer_.size();
    Fill();
  }
}

bool RecordReaderImpl::NextLine(RawRecord* record) {
  while (true) {
    if (NextPiece(record)) return true;
    absl::string_view line;
    bool too_long;
    if (!ReadLine(&line, &too_long)) return false;
    ++line_number_;
    std::string location = absl::StrCat(name_, ":", line_number_);
    if (too_long) {
      return Emit(record, "",
                  absl::ResourceExhaustedError(
                      absl::StrCat(location, ": a line longer than ",
                                   max_document_bytes_, " bytes")),
                  location);
    }
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    simdjson::error_code error;
    Shape shape = Classify(dom_parser_, line, &error);
    if (shape == Shape::kInvalid) {
      return Emit(
          record, "",
          absl::InvalidArgumentError(absl::StrCat(
              location, ": not valid JSON: ", simdjson::error_message(error))),
          location);
    }
    if (shape != Shape::kRecordsObject && shape != Shape::kEventsObject) {
      return Emit(record, std::string(line), absl::OkStatus(), location);
    }
    pieces_ = Pieces{simdjson::padded_string(line.data(), line.size()),
                     {},
                     0,
                     absl::StrCat(location, ":record ")};
    absl::Status cut = CutElements(ondemand_parser_, shape, &pieces_);
    if (!cut.ok()) {
      pieces_.records.clear();
      return Emit(record, "", std::move(cut), location);
    }
  }
}

bool RecordReaderImpl::Next(RawRecord* record) {
  if (mode_ == Mode::kUndecided) Decide();
  bool found = false;
  if (mode_ == Mode::kDocument) found = NextPiece(record);
  if (mode_ == Mode::kLines) found = NextLine(record);
  if (!found) mode_ = Mode::kDone;
  return found;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecordReader>> RecordReader::Open(
    const std::string& path) {
  bool is_stdin = path == "-";
  std::string name = is_stdin ? "<stdin>" : path;
  int fd =
      is_stdin ? dup(STDIN_FILENO) : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, name);
  struct stat info;
  if (fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    close(fd);
    return absl::ErrnoToStatus(EISDIR, name);
  }
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    close(fd);
    return absl::ResourceExhaustedError(
        absl::StrCat(name, ": cannot allocate a zlib stream"));
  }
  gzbuffer(file, static_cast<unsigned>(kChunkBytes));
  return std::make_unique<RecordReaderImpl>(file, std::move(name), "",
                                            kMaxDocumentBytes);
}

std::unique_ptr<RecordReader> RecordReader::FromString(std::string data,
                                                       std::string name) {
  return std::make_unique<RecordReaderImpl>(nullptr, std::move(name),
                                            std::move(data), kMaxDocumentBytes);
}

namespace ingest_internal {

std::unique_ptr<RecordReader> RecordReaderFromString(
    std::string data, std::string name, size_t max_document_bytes) {
  return std::make_unique<RecordReaderImpl>(
      nullptr, std::move(name), std::move(data), max_document_bytes);
}

}  // namespace ingest_internal
}  // namespace offregion
