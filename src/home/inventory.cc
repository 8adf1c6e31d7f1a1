// The caller's inventory of compute resources, read from CSV.

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "offregion/home.h"
#include "src/common/read_file.h"
#include "src/home/resolvers.h"

namespace offregion {
namespace {

std::string Key(absl::string_view account, absl::string_view compute_id) {
  return absl::StrCat(account, "|", compute_id);
}

bool IsHeader(const std::vector<absl::string_view>& fields) {
  return absl::AsciiStrToLower(fields[0]) == "compute_id";
}

}  // namespace

Inventory::Inventory() = default;
Inventory::~Inventory() = default;

absl::StatusOr<std::unique_ptr<Inventory>> Inventory::Parse(
    absl::string_view csv) {
  auto inventory = std::make_unique<Inventory>();
  absl::ConsumePrefix(&csv, "\xEF\xBB\xBF");  // a byte-order mark
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    for (auto& f : fields) f = absl::StripAsciiWhitespace(f);
    if (line_number == 1 && IsHeader(fields)) continue;
    if (fields.size() < 2 || fields.size() > 3 || fields[0].empty() ||
        fields[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("inventory line ", line_number,
                       ": want compute_id,region[,account], got \"",
                       absl::CHexEscape(line.substr(0, 60)),
                       line.size() > 60 ? "..." : "", "\""));
    }
    const std::string region = internal::NormalizeRegion(fields[1]);
    if (region.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("inventory line ", line_number, ": \"",
                       absl::CHexEscape(fields[1].substr(0, 60)),
                       "\" is not a region name"));
    }
    const absl::string_view account = fields.size() == 3 ? fields[2] : "";
    auto known =
        inventory->regions_.find(absl::StrCat(account, "|", fields[0]));
    if (known != inventory->regions_.end() && known->second != region) {
      return absl::InvalidArgumentError(
          absl::StrCat("inventory line ", line_number, ": ", fields[0],
                       " is already in ", known->second, ", not ", region));
    }
    inventory->Add(fields[0], region, account);
  }
  return inventory;
}

absl::StatusOr<std::unique_ptr<Inventory>> Inventory::LoadFile(
    const std::string& path) {
  absl::StatusOr<std::string> text = internal::ReadFile(path);
  if (!text.ok()) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open inventory file"));
  }
  auto parsed = Parse(*text);
  if (!parsed.ok()) {
    return absl::Status(parsed.status().code(),
                        absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

void Inventory::Add(absl::string_view compute_id, absl::string_view region,
                    absl::string_view account) {
  regions_[Key(account, compute_id)] = std::string(region);
}

std::optional<std::string> Inventory::Find(absl::string_view account,
                                           absl::string_view compute_id) const {
  if (compute_id.empty()) return std::nullopt;
  auto it = regions_.find(Key(account, compute_id));
  if (it == regions_.end()) it = regions_.find(Key("", compute_id));
  if (it == regions_.end()) return std::nullopt;
  return it->second;
}

std::optional<HomeAnswer> Inventory::Resolve(const HomeQuery& query) const {
  std::optional<std::string> region = Find(query.account, query.compute_id);
  if (!region) return std::nullopt;
  return HomeAnswer{*region, HomeSource::kInventory};
}

}  // namespace offregion
