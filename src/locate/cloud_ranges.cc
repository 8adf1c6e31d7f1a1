// CloudRanges: AWS ip-ranges.json read with simdjson into two prefix tries,
// the regional ranges and the GLOBAL ones, the latter consulted only when
// no regional range holds an address.

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "offregion/network.h"
#include "src/common/absl_view.h"
#include "src/common/read_file.h"
#include "src/locate/prefix_trie.h"

namespace offregion {
namespace {

constexpr std::string_view kGlobalRegion = "GLOBAL";

// One of the two prefix lists of ip-ranges.json.
struct Family {
  const char* list;  // "prefixes"
  const char* key;   // "ip_prefix"
  bool v4;
};
constexpr Family kFamilies[] = {{"prefixes", "ip_prefix", true},
                                {"ipv6_prefixes", "ipv6_prefix", false}};

// How telling a service name is: a specific service such as EC2 says more
// than the catch-all AMAZON, and EC2 (where stolen keys are used) most.
int ServiceRank(std::string_view service) {
  if (service.empty()) return 0;
  if (service == "AMAZON") return 1;
  if (service == "EC2") return 3;
  return 2;
}

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("AWS ip ranges: ", what));
}

}  // namespace

struct CloudRanges::Table {
  internal::PrefixTrie regional;
  internal::PrefixTrie global;
  std::vector<CloudLocation> locations;  // indexed by the tries' values

  // Adds one entry; a prefix seen before keeps its region and takes the
  // more telling service name.
  void Add(const IpPrefix& prefix, std::string_view region,
           std::string_view service) {
    bool is_global = region == kGlobalRegion;
    internal::PrefixTrie& trie = is_global ? global : regional;
    auto [index, inserted] =
        trie.Insert(prefix, static_cast<uint32_t>(locations.size()));
    if (inserted) {
      locations.push_back({Provider::kAws, is_global ? "" : std::string(region),
                           std::string(service)});
      return;
    }
    CloudLocation& known = locations[index];
    if (ServiceRank(service) > ServiceRank(known.service)) {
      known.service = std::string(service);
    }
  }

  // Reads one entry of `family`'s list into the table.
  absl::Status AddEntry(simdjson::dom::element entry, const Family& family) {
    simdjson::dom::object fields;
    std::string_view prefix_text, region, service;
    if (entry.get(fields) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError("not an object");
    }
    if (fields[family.key].get(prefix_text) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          absl::StrCat("no \"", family.key, "\" string"));
    }
    if (fields["region"].get(region) != simdjson::SUCCESS || region.empty()) {
      return absl::InvalidArgumentError("no \"region\" string");
    }
    if (fields["service"].get(service) != simdjson::SUCCESS) service = "";

    absl::StatusOr<IpPrefix> prefix =
        IpPrefix::Parse(internal::AbslView(prefix_text));
    if (!prefix.ok()) return prefix.status();
    if (prefix->address.is_v4() != family.v4) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", internal::AbslView(prefix_text),
                       "\" is not an IPv", family.v4 ? "4" : "6", " prefix"));
    }
    Add(*prefix, region, service);
    return absl::OkStatus();
  }

  // Reads every entry of `family`'s list; false when the list is absent.
  absl::StatusOr<bool> AddList(simdjson::dom::object root,
                               const Family& family) {
    simdjson::dom::element list;
    if (root[family.list].get(list) != simdjson::SUCCESS) return false;
    simdjson::dom::array entries;
    if (list.get(entries) != simdjson::SUCCESS) {
      return Invalid(absl::StrCat("\"", family.list, "\" is not an array"));
    }
    size_t index = 0;
    for (simdjson::dom::element entry : entries) {
      absl::Status status = AddEntry(entry, family);
      if (!status.ok()) {
        return Invalid(
            absl::StrCat(family.list, "[", index, "]: ", status.message()));
      }
      ++index;
    }
    return true;
  }
};

CloudRanges::CloudRanges() : table_(std::make_unique<Table>()) {}

CloudRanges::~CloudRanges() = default;

absl::StatusOr<std::unique_ptr<CloudRanges>> CloudRanges::ParseAws(
    absl::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  simdjson::error_code error =
      parser.parse(json.data(), json.size()).get(document);
  if (error != simdjson::SUCCESS) {
    return Invalid(absl::StrCat("not JSON: ", simdjson::error_message(error)));
  }
  simdjson::dom::object root;
  if (document.get(root) != simdjson::SUCCESS) {
    return Invalid("not a JSON object");
  }

  std::unique_ptr<CloudRanges> ranges(new CloudRanges());
  bool any_list = false;
  for (const Family& family : kFamilies) {
    absl::StatusOr<bool> found = ranges->table_->AddList(root, family);
    if (!found.ok()) return found.status();
    any_list = any_list || *found;
  }
  if (!any_list) return Invalid("no \"prefixes\" or \"ipv6_prefixes\" list");
  return ranges;
}

absl::StatusOr<std::unique_ptr<CloudRanges>> CloudRanges::LoadAwsFile(
    const std::string& path) {
  absl::StatusOr<std::string> json = internal::ReadFile(path);
  if (!json.ok()) return json.status();
  absl::StatusOr<std::unique_ptr<CloudRanges>> ranges = ParseAws(*json);
  if (!ranges.ok()) {
    return absl::Status(ranges.status().code(),
                        absl::StrCat(path, ": ", ranges.status().message()));
  }
  return ranges;
}

std::unique_ptr<CloudRanges> CloudRanges::Empty() {
  return std::unique_ptr<CloudRanges>(new CloudRanges());
}

std::optional<CloudLocation> CloudRanges::Locate(
    const IpAddress& address) const {
  std::optional<uint32_t> index = table_->regional.Find(address);
  if (!index.has_value()) index = table_->global.Find(address);
  if (!index.has_value()) return std::nullopt;
  return table_->locations[*index];
}

size_t CloudRanges::size() const {
  return table_->regional.size() + table_->global.size();
}

}  // namespace offregion
