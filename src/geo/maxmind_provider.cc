// MaxMindProvider: country, city, coordinates and ASN from a GeoIP2 /
// GeoLite2 database through libmaxminddb; the database is checked at open.

#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "offregion/geo.h"
#include "offregion/network.h"

namespace offregion {
namespace {

// How many distinct data records Open decodes in full: all of them in a
// small database, a sample of a large one (Lookup still fails on the rest).
constexpr size_t kMaxCheckedRecords = 4096;

// A path of map keys into a record, at most kMaxPathLength long.
using Path = std::initializer_list<const char*>;
constexpr size_t kMaxPathLength = 3;

bool TypeHas(absl::string_view type, absl::string_view part) {
  return absl::StrContains(type, part);
}

absl::Status NotValid(const std::string& path, int mmdb_error) {
  return absl::DataLossError(absl::StrCat(
      path, ": not a valid MaxMind DB: ", MMDB_strerror(mmdb_error)));
}

// Returns the status of an MMDB_open that returned `mmdb_error`, with
// `saved_errno` the errno right after it.
absl::Status OpenError(const std::string& path, int mmdb_error,
                       int saved_errno) {
  switch (mmdb_error) {
    case MMDB_FILE_OPEN_ERROR:
    case MMDB_IO_ERROR:
      if (saved_errno != 0) return absl::ErrnoToStatus(saved_errno, path);
      return absl::UnavailableError(
          absl::StrCat(path, ": ", MMDB_strerror(mmdb_error)));
    case MMDB_OUT_OF_MEMORY_ERROR:
      return absl::ResourceExhaustedError(
          absl::StrCat(path, ": ", MMDB_strerror(mmdb_error)));
    default:
      return NotValid(path, mmdb_error);
  }
}

// Returns the value at `path` below `entry`, nullopt when there is none
// (or the data has another shape); an error when the data is corrupt.
absl::StatusOr<std::optional<MMDB_entry_data_s>> Value(const std::string& file,
                                                       MMDB_entry_s entry,
                                                       Path path) {
  const char* keys[kMaxPathLength + 1] = {};
  std::copy_n(path.begin(), std::min(path.size(), kMaxPathLength), keys);
  MMDB_entry_data_s data{};
  int error = MMDB_aget_value(&entry, &data, keys);
  if (error == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
      error == MMDB_INVALID_LOOKUP_PATH_ERROR) {
    return std::nullopt;
  }
  if (error != MMDB_SUCCESS) return NotValid(file, error);
  if (!data.has_data) return std::nullopt;
  return data;
}

// Returns the string at `path`, "" when absent or not a string.
absl::StatusOr<std::string> StringAt(const std::string& file,
                                     MMDB_entry_s entry, Path path) {
  absl::StatusOr<std::optional<MMDB_entry_data_s>> data =
      Value(file, entry, path);
  if (!data.ok()) return data.status();
  if (!data->has_value() || (*data)->type != MMDB_DATA_TYPE_UTF8_STRING) {
    return "";
  }
  return std::string((*data)->utf8_string, (*data)->data_size);
}

// Returns the unsigned number at `path`, 0 when absent, not an unsigned
// integer or beyond 32 bits.
absl::StatusOr<uint32_t> Uint32At(const std::string& file, MMDB_entry_s entry,
                                  Path path) {
  absl::StatusOr<std::optional<MMDB_entry_data_s>> data =
      Value(file, entry, path);
  if (!data.ok()) return data.status();
  if (!data->has_value()) return 0u;
  switch ((*data)->type) {
    case MMDB_DATA_TYPE_UINT16:
      return (*data)->uint16;
    case MMDB_DATA_TYPE_UINT32:
      return (*data)->uint32;
    case MMDB_DATA_TYPE_UINT64:
      return (*data)->uint64 <= UINT32_MAX
                 ? static_cast<uint32_t>((*data)->uint64)
                 : 0u;
    default:
      return 0u;
  }
}

// Returns the floating-point number at `path`, nullopt when absent or of
// another type.
absl::StatusOr<std::optional<double>> DoubleAt(const std::string& file,
                                               MMDB_entry_s entry, Path path) {
  absl::StatusOr<std::optional<MMDB_entry_data_s>> data =
      Value(file, entry, path);
  if (!data.ok()) return data.status();
  if (!data->has_value()) return std::nullopt;
  if ((*data)->type == MMDB_DATA_TYPE_DOUBLE) return (*data)->double_value;
  if ((*data)->type == MMDB_DATA_TYPE_FLOAT) return (*data)->float_value;
  return std::nullopt;
}

// Returns the ISO code at `path` in upper case, "" unless two letters.
absl::StatusOr<std::string> CountryAt(const std::string& file,
                                      MMDB_entry_s entry, Path path) {
  absl::StatusOr<std::string> code = StringAt(file, entry, path);
  if (!code.ok()) return code.status();
  if (code->size() != 2 || !absl::ascii_isalpha((*code)[0]) ||
      !absl::ascii_isalpha((*code)[1])) {
    return "";
  }
  return absl::AsciiStrToUpper(*code);
}

// Returns the first non-empty string among `paths`.
absl::StatusOr<std::string> FirstStringAt(const std::string& file,
                                          MMDB_entry_s entry,
                                          std::initializer_list<Path> paths) {
  for (Path path : paths) {
    absl::StatusOr<std::string> text = StringAt(file, entry, path);
    if (!text.ok() || !text->empty()) return text;
  }
  return "";
}

// Decodes the whole record at `entry`; an error when it is corrupt.
absl::Status CheckRecord(const std::string& file, MMDB_entry_s entry) {
  MMDB_entry_data_list_s* list = nullptr;
  int error = MMDB_get_entry_data_list(&entry, &list);
  MMDB_free_entry_data_list(list);
  if (error != MMDB_SUCCESS) return NotValid(file, error);
  return absl::OkStatus();
}

// Walks the whole search tree: every record must lead to a node, to
// nothing or into the data section, and the first kMaxCheckedRecords
// distinct data records must decode.
absl::Status CheckTree(const std::string& file, const MMDB_s& mmdb) {
  const uint32_t node_count = mmdb.metadata.node_count;
  if (node_count == 0) return NotValid(file, MMDB_INVALID_METADATA_ERROR);
  std::vector<bool> seen(node_count);
  absl::flat_hash_set<uint32_t> records;
  std::vector<uint32_t> pending = {0};
  while (!pending.empty()) {
    uint32_t number = pending.back();
    pending.pop_back();
    if (seen[number]) continue;
    seen[number] = true;
    MMDB_search_node_s node;
    int error = MMDB_read_node(&mmdb, number, &node);
    if (error != MMDB_SUCCESS) return NotValid(file, error);
    // The right record first, so that the left one is walked first.
    for (int side = 1; side >= 0; --side) {
      uint8_t type = side ? node.right_record_type : node.left_record_type;
      uint64_t record = side ? node.right_record : node.left_record;
      MMDB_entry_s entry =
          side ? node.right_record_entry : node.left_record_entry;
      if (type == MMDB_RECORD_TYPE_INVALID) {
        return NotValid(file, MMDB_CORRUPT_SEARCH_TREE_ERROR);
      }
      if (type == MMDB_RECORD_TYPE_SEARCH_NODE) {
        pending.push_back(static_cast<uint32_t>(record));
      } else if (type == MMDB_RECORD_TYPE_DATA &&
                 records.size() < kMaxCheckedRecords &&
                 records.insert(entry.offset).second) {
        if (absl::Status status = CheckRecord(file, entry); !status.ok()) {
          return status;
        }
      }
    }
  }
  return absl::OkStatus();
}

// Returns the address as the socket address libmaxminddb looks up.
sockaddr_storage SocketAddress(const IpAddress& address) {
  sockaddr_storage storage{};
  if (address.is_v4()) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    std::memcpy(&v4->sin_addr, address.bytes().data() + 12, 4);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    std::memcpy(&v6->sin6_addr, address.bytes().data(), 16);
  }
  return storage;
}

}  // namespace

struct MaxMindProvider::Handle {
  std::string path;
  std::string type;
  std::string name;
  bool has_country = false;
  bool has_asn = false;
  bool open = false;
  MMDB_s mmdb{};

  ~Handle() {
    if (open) MMDB_close(&mmdb);
  }

  absl::StatusOr<GeoInfo> Find(const IpAddress& address) const;
  absl::Status AddCountry(MMDB_entry_s entry, GeoInfo& info) const;
  absl::Status AddAsn(MMDB_entry_s entry, GeoInfo& info) const;
};

absl::StatusOr<GeoInfo> MaxMindProvider::Handle::Find(
    const IpAddress& address) const {
  sockaddr_storage storage = SocketAddress(address);
  int error = MMDB_SUCCESS;
  MMDB_lookup_result_s result = MMDB_lookup_sockaddr(
      &mmdb, reinterpret_cast<const sockaddr*>(&storage), &error);
  GeoInfo info;
  if (error == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) return info;
  if (error != MMDB_SUCCESS) {
    return absl::DataLossError(absl::StrCat(path, ": lookup of ",
                                            address.ToString(),
                                            " failed: ", MMDB_strerror(error)));
  }
  if (!result.found_entry) return info;
  if (has_country) {
    if (absl::Status status = AddCountry(result.entry, info); !status.ok()) {
      return status;
    }
  }
  if (has_asn) {
    if (absl::Status status = AddAsn(result.entry, info); !status.ok()) {
      return status;
    }
  }
  if (!info.country.empty() || info.asn != 0) info.source = name;
  return info;
}

absl::Status MaxMindProvider::Handle::AddCountry(MMDB_entry_s entry,
                                                 GeoInfo& info) const {
  absl::StatusOr<std::string> country =
      CountryAt(path, entry, {"country", "iso_code"});
  if (country.ok() && country->empty()) {
    country = CountryAt(path, entry, {"registered_country", "iso_code"});
  }
  if (!country.ok()) return country.status();
  if (country->empty()) return absl::OkStatus();
  info.country = *std::move(country);
  info.country_source = name;

  absl::StatusOr<std::string> city =
      StringAt(path, entry, {"city", "names", "en"});
  if (!city.ok()) return city.status();
  info.city = *std::move(city);
  absl::StatusOr<std::optional<double>> latitude =
      DoubleAt(path, entry, {"location", "latitude"});
  if (!latitude.ok()) return latitude.status();
  absl::StatusOr<std::optional<double>> longitude =
      DoubleAt(path, entry, {"location", "longitude"});
  if (!longitude.ok()) return longitude.status();
  if (latitude->has_value() && longitude->has_value()) {
    info.has_location = true;
    info.latitude = **latitude;
    info.longitude = **longitude;
  }
  return absl::OkStatus();
}

absl::Status MaxMindProvider::Handle::AddAsn(MMDB_entry_s entry,
                                             GeoInfo& info) const {
  // ASN and ISP databases hold the keys at the top, Enterprise in traits.
  absl::StatusOr<uint32_t> asn =
      Uint32At(path, entry, {"autonomous_system_number"});
  bool in_traits = asn.ok() && *asn == 0;
  if (in_traits) {
    asn = Uint32At(path, entry, {"traits", "autonomous_system_number"});
  }
  if (!asn.ok()) return asn.status();
  if (*asn == 0) return absl::OkStatus();
  absl::StatusOr<std::string> as_org =
      in_traits ? FirstStringAt(path, entry,
                                {{"traits", "autonomous_system_organization"},
                                 {"traits", "organization"},
                                 {"traits", "isp"}})
                : FirstStringAt(path, entry,
                                {{"autonomous_system_organization"},
                                 {"organization"},
                                 {"isp"}});
  if (!as_org.ok()) return as_org.status();
  info.asn = *asn;
  info.as_org = *std::move(as_org);
  info.asn_source = name;
  return absl::OkStatus();
}

MaxMindProvider::MaxMindProvider(std::unique_ptr<Handle> handle)
    : handle_(std::move(handle)) {}

MaxMindProvider::~MaxMindProvider() = default;

absl::StatusOr<std::unique_ptr<MaxMindProvider>> MaxMindProvider::Open(
    const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::ErrnoToStatus(errno, path);
  }
  if (S_ISDIR(info.st_mode)) return absl::ErrnoToStatus(EISDIR, path);
  if (info.st_size == 0) {  // libmaxminddb cannot map it: EINVAL
    return absl::DataLossError(
        absl::StrCat(path, ": not a valid MaxMind DB: the file is empty"));
  }

  auto handle = std::make_unique<Handle>();
  handle->path = path;
  errno = 0;
  int error = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &handle->mmdb);
  if (error != MMDB_SUCCESS) return OpenError(path, error, errno);
  handle->open = true;
  if (absl::Status status = CheckTree(path, handle->mmdb); !status.ok()) {
    return status;
  }

  const char* type = handle->mmdb.metadata.database_type;
  handle->type = type == nullptr ? "" : type;
  handle->name = absl::StrCat("maxmind:", handle->type);
  handle->has_country = TypeHas(handle->type, "City") ||
                        TypeHas(handle->type, "Country") ||
                        TypeHas(handle->type, "Enterprise");
  handle->has_asn = TypeHas(handle->type, "ASN") ||
                    TypeHas(handle->type, "ISP") ||
                    TypeHas(handle->type, "Enterprise");
  if (!handle->has_country && !handle->has_asn) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": database type ", handle->type,
                     " holds neither country nor ASN data"));
  }

  // A few lookups through the whole path, as Lookup will make them.
  for (absl::string_view probe : {"1.1.1.1", "8.8.8.8", "81.2.69.142",
                                  "2001:4860:4860::8888", "2a02:d000::1"}) {
    absl::StatusOr<GeoInfo> found = handle->Find(*IpAddress::Parse(probe));
    if (!found.ok()) return found.status();
  }
  return std::unique_ptr<MaxMindProvider>(
      new MaxMindProvider(std::move(handle)));
}

absl::StatusOr<GeoInfo> MaxMindProvider::Lookup(
    const IpAddress& address) const {
  return handle_->Find(address);
}

absl::string_view MaxMindProvider::name() const { return handle_->name; }

const std::string& MaxMindProvider::database_type() const {
  return handle_->type;
}

bool MaxMindProvider::has_country() const { return handle_->has_country; }

bool MaxMindProvider::has_asn() const { return handle_->has_asn; }

}  // namespace offregion
