// GeoTable: a team's own CSV of `network,country,asn,as_org` rows, looked up
// by longest prefix.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "offregion/geo.h"
#include "src/common/read_file.h"
#include "src/locate/prefix_trie.h"

namespace offregion {
namespace {

constexpr size_t kColumns = 4;  // network, country, asn, as_org

// Returns the position of the first non-blank at or after `pos`.
size_t SkipBlanks(absl::string_view line, size_t pos) {
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  return pos;
}

// Reads the quoted field opening at line[pos]; "" inside stands for one
// quote. Leaves `pos` at the comma after it, or at the end.
absl::Status ReadQuotedField(absl::string_view line, size_t& pos,
                             std::string& field) {
  for (++pos; pos < line.size(); ++pos) {
    if (line[pos] != '"') {
      field.push_back(line[pos]);
    } else if (pos + 1 < line.size() && line[pos + 1] == '"') {
      field.push_back('"');
      ++pos;
    } else {
      pos = SkipBlanks(line, pos + 1);
      if (pos == line.size() || line[pos] == ',') return absl::OkStatus();
      return absl::InvalidArgumentError("text after a quoted field");
    }
  }
  return absl::InvalidArgumentError("unterminated quoted field");
}

// Reads the unquoted field at line[pos], without surrounding blanks.
// Leaves `pos` at the comma after it, or at the end.
absl::Status ReadPlainField(absl::string_view line, size_t& pos,
                            std::string& field) {
  size_t comma = std::min(line.find(',', pos), line.size());
  absl::string_view raw = line.substr(pos, comma - pos);
  if (absl::StrContains(raw, '"')) {
    return absl::InvalidArgumentError("quote inside an unquoted field");
  }
  field = std::string(absl::StripAsciiWhitespace(raw));
  pos = comma;
  return absl::OkStatus();
}

// Splits one CSV record into fields, with RFC 4180 quoting
// ("Example, Inc." is one field). A record may not span lines.
absl::StatusOr<std::vector<std::string>> SplitCsvLine(absl::string_view line) {
  std::vector<std::string> fields;
  for (size_t pos = 0;; ++pos) {  // ++pos steps over a comma
    pos = SkipBlanks(line, pos);
    std::string field;
    absl::Status status = pos < line.size() && line[pos] == '"'
                              ? ReadQuotedField(line, pos, field)
                              : ReadPlainField(line, pos, field);
    if (!status.ok()) return status;
    fields.push_back(std::move(field));
    if (pos >= line.size()) return fields;
  }
}

// Parses "64501", "AS64501" or "" (no data) into `asn`.
bool ParseAsn(absl::string_view text, uint32_t& asn) {
  asn = 0;
  if (text.empty()) return true;
  if (absl::StartsWithIgnoreCase(text, "AS")) text.remove_prefix(2);
  return !text.empty() && absl::ascii_isdigit(text[0]) &&
         absl::SimpleAtoi(text, &asn);
}

// Parses a two-letter country code, upper-cased, or "" (no data).
bool ParseCountry(absl::string_view text, std::string& country) {
  if (text.size() != 0 && (text.size() != 2 || !absl::ascii_isalpha(text[0]) ||
                           !absl::ascii_isalpha(text[1]))) {
    return false;
  }
  country = absl::AsciiStrToUpper(text);
  return true;
}

// True for the optional header row.
bool IsHeader(const std::vector<std::string>& fields) {
  return !fields.empty() && absl::EqualsIgnoreCase(fields[0], "network");
}

}  // namespace

struct GeoTable::Table {
  internal::PrefixTrie trie;
  std::vector<GeoInfo> rows;  // indexed by the trie's values
  std::vector<size_t> lines;  // the line number of each row

  // Adds the row on line `line_number`, or says what is wrong with it.
  absl::Status AddRow(const std::vector<std::string>& fields,
                      size_t line_number) {
    if (fields.size() != kColumns) {
      return absl::InvalidArgumentError(absl::StrCat(
          "expected ", kColumns, " fields, found ", fields.size()));
    }
    absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(fields[0]);
    if (!prefix.ok()) return prefix.status();
    GeoInfo info;
    if (!ParseCountry(fields[1], info.country)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad country \"", fields[1], "\""));
    }
    if (!ParseAsn(fields[2], info.asn)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad asn \"", fields[2], "\""));
    }
    info.as_org = fields[3];
    info.source = "geo-table";  // name()

    auto [index, inserted] =
        trie.Insert(*prefix, static_cast<uint32_t>(rows.size()));
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat("network ", fields[0], " repeats line ", lines[index]));
    }
    rows.push_back(std::move(info));
    lines.push_back(line_number);
    return absl::OkStatus();
  }
};

GeoTable::GeoTable() : table_(std::make_unique<Table>()) {}

GeoTable::~GeoTable() = default;

absl::StatusOr<std::unique_ptr<GeoTable>> GeoTable::Parse(
    absl::string_view csv) {
  std::unique_ptr<GeoTable> geo(new GeoTable());
  absl::ConsumePrefix(&csv, "\xEF\xBB\xBF");  // a byte order mark
  size_t line_number = 0;
  bool seen_row = false;
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    ++line_number;
    absl::ConsumeSuffix(&line, "\r");
    if (absl::StripAsciiWhitespace(line).empty()) continue;

    absl::StatusOr<std::vector<std::string>> fields = SplitCsvLine(line);
    bool header = !seen_row && fields.ok() && IsHeader(*fields);
    seen_row = true;
    if (header) continue;
    absl::Status status = fields.ok()
                              ? geo->table_->AddRow(*fields, line_number)
                              : fields.status();
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("geo table line ", line_number, ": ", status.message()));
    }
  }
  return geo;
}

absl::StatusOr<std::unique_ptr<GeoTable>> GeoTable::LoadFile(
    const std::string& path) {
  absl::StatusOr<std::string> csv = internal::ReadFile(path);
  if (!csv.ok()) return csv.status();
  absl::StatusOr<std::unique_ptr<GeoTable>> table = Parse(*csv);
  if (!table.ok()) {
    return absl::Status(table.status().code(),
                        absl::StrCat(path, ": ", table.status().message()));
  }
  return table;
}

absl::StatusOr<GeoInfo> GeoTable::Lookup(const IpAddress& address) const {
  std::optional<uint32_t> index = table_->trie.Find(address);
  if (!index.has_value()) return GeoInfo();
  return table_->rows[*index];
}

size_t GeoTable::size() const { return table_->rows.size(); }

}  // namespace offregion
