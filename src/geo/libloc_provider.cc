// LibLocProvider: country, ASN and AS name from the IPFire libloc database,
// one lookup at a time: libloc's reference counts are not atomic and it
// formats addresses into static buffers.

#include <libloc/libloc.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "offregion/geo.h"
#include "src/common/mutex.h"

extern "C" {  // only libloc.h declares its own C linkage
#include <libloc/as.h>
#include <libloc/database.h>
#include <libloc/network.h>

// Drops libloc's log messages: the library never writes to stderr.
static void DiscardLibLocLog(struct loc_ctx*, int, const char*, int,
                             const char*, const char*, va_list) {}
}

namespace offregion {
namespace {

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

// Returns `code` when it names a country, "" for libloc's special codes
// (A1 anonymous proxy, A2 satellite, A3 anycast, XD drop, XX unknown) and
// for the continent-wide EU and AP, which name no country.
std::string CountryOrEmpty(const char* code) {
  if (code == nullptr || std::strlen(code) != 2 ||
      !absl::ascii_isupper(code[0]) || !absl::ascii_isupper(code[1])) {
    return "";
  }
  absl::string_view text(code);
  for (absl::string_view special : {"A1", "A2", "A3", "XD", "XX", "EU", "AP"}) {
    if (text == special) return "";
  }
  return std::string(text);
}

// libloc counts references without atomics and writes buffers shared by
// the whole process during a lookup (ThreadSanitizer shows the latter):
// one lookup at a time, across every provider.
internal::Mutex& LibLocLock() {
  static internal::Mutex* mu = new internal::Mutex();
  return *mu;
}

}  // namespace

struct LibLocProvider::Handle {
  loc_ctx* ctx = nullptr;
  loc_database* db = nullptr;

  ~Handle() {
    internal::MutexLock lock(&LibLocLock());
    if (db != nullptr) loc_database_unref(db);
    if (ctx != nullptr) loc_unref(ctx);
  }

  // The names of the ASes looked up so far: libloc searches its AS table
  // on every call, and real trails repeat a few networks. There are fewer
  // than 120,000 ASes, so the map stays bounded.
  // Guarded by LibLocLock().
  absl::flat_hash_map<uint32_t, std::string> as_names;

  // Returns the name of AS `asn`, or "" when the database has none.
  // REQUIRES: LibLocLock() is held.
  std::string AsName(uint32_t asn) {
    auto it = as_names.find(asn);
    if (it != as_names.end()) return it->second;
    loc_as* as = nullptr;
    std::string result;
    if (loc_database_get_as(db, &as, asn) == 0 && as != nullptr) {
      const char* name = loc_as_get_name(as);
      if (name != nullptr) result = name;
      loc_as_unref(as);
    }
    as_names.emplace(asn, result);
    return result;
  }
};

LibLocProvider::LibLocProvider(std::unique_ptr<Handle> handle)
    : handle_(std::move(handle)) {}

LibLocProvider::~LibLocProvider() = default;

absl::StatusOr<std::unique_ptr<LibLocProvider>> LibLocProvider::Open(
    const std::string& path) {
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) return absl::ErrnoToStatus(errno, path);

  auto handle = std::make_unique<Handle>();
  internal::MutexLock lock(&LibLocLock());
  if (loc_new(&handle->ctx) != 0) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path, ": cannot create a libloc context"));
  }
  loc_set_log_fn(handle->ctx, DiscardLibLocLog);
  // libloc keeps its own duplicate of the file descriptor.
  if (loc_database_new(handle->ctx, &handle->db, file.get()) != 0) {
    handle->db = nullptr;
    return absl::DataLossError(
        absl::StrCat(path, ": not a libloc database, or a damaged one"));
  }
  return std::unique_ptr<LibLocProvider>(new LibLocProvider(std::move(handle)));
}

absl::StatusOr<GeoInfo> LibLocProvider::Lookup(const IpAddress& address) const {
  in6_addr key;  // IPv4 is already in its IPv4-mapped form
  std::memcpy(key.s6_addr, address.bytes().data(), sizeof(key.s6_addr));

  internal::MutexLock lock(&LibLocLock());
  loc_network* network = nullptr;
  int result = loc_database_lookup(handle_->db, &key, &network);
  if (result < 0) {
    return absl::DataLossError(
        absl::StrCat("libloc lookup of ", address.ToString(), " failed"));
  }
  GeoInfo info;
  if (network == nullptr) return info;  // no network holds the address

  info.country = CountryOrEmpty(loc_network_get_country_code(network));
  info.asn = loc_network_get_asn(network);
  loc_network_unref(network);
  if (info.asn != 0) info.as_org = handle_->AsName(info.asn);
  if (!info.country.empty() || info.asn != 0) info.source = std::string(name());
  return info;
}

}  // namespace offregion
