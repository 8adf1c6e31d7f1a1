// Snapshot encoding (protobuf in a checksummed envelope) and atomic files.

#include "src/detect/snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "src/common/read_file.h"
#include "state/snapshot.pb.h"

namespace offregion::internal {
namespace {

constexpr absl::string_view kMagic = "offregion-state\n";
constexpr size_t kHeaderBytes = 4 + 8 + 4;  // version, length, crc32

void PutLittleEndian(uint64_t value, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

uint64_t GetLittleEndian(absl::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = bytes.size(); i > 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i - 1]);
  }
  return value;
}

int64_t Nanos(absl::Time time) { return absl::ToUnixNanos(time); }
absl::Time FromNanos(int64_t nanos) { return absl::FromUnixNanos(nanos); }

uint32_t Checksum(absl::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes at most uInt bytes at a time.
  while (!bytes.empty()) {
    const size_t n = std::min<size_t>(bytes.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()),
                static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

void EncodeProfiles(const ProfileStore& profiles,
                    snapshot::DetectorState* state) {
  profiles.ForEach(
      [state](absl::string_view identity, const ProfileStore::Entries& e) {
        snapshot::Profile* p = state->add_profiles();
        p->set_identity(std::string(identity));
        for (const auto& [country, time] : e.countries) {
          p->add_countries(country);
          p->add_country_nanos(Nanos(time));
        }
        for (const auto& [asn, time] : e.asns) {
          p->add_asns(asn);
          p->add_asn_nanos(Nanos(time));
        }
      });
}

void EncodeSessions(const IssuanceTable& issuances,
                    snapshot::DetectorState* state) {
  issuances.ForEachIssuer(
      [state](const std::string& key, const IssuanceTable::Entry& e) {
        snapshot::SessionIssuer* s = state->add_session_issuers();
        s->set_key(key);
        s->set_issuer(e.issuer);
        s->set_time_nanos(Nanos(e.time));
      });
  issuances.ForEachCredential(
      [state](const std::string& key, const IssuanceTable::Entry& e) {
        snapshot::Issuance* s = state->add_issuances();
        s->set_key(key);
        s->set_issuer(e.issuer);
        s->set_region(e.region);
        s->set_access_key_id(e.access_key_id);
        s->set_time_nanos(Nanos(e.time));
      });
}

void EncodeLearnedAndDedup(const StateParts& parts,
                           snapshot::DetectorState* state) {
  parts.learned->ForEach(
      [state](const std::string& key, const LearnedRegions::DayCount& d) {
        snapshot::LearnedRegion* l = state->add_learned();
        l->set_key(key);
        l->set_region(d.region);
        l->set_day(d.day);
        l->set_count(d.count);
      });
  parts.dedup->ForEach([state](absl::string_view key, const DedupEntry& e) {
    snapshot::DedupEntry* d = state->add_dedup();
    d->set_key(std::string(key));
    d->set_alert_id(e.alert_id);
    d->set_severity(static_cast<uint32_t>(e.severity));
    d->set_time_nanos(Nanos(e.time));
  });
}

// Returns an error when the decoded state is inconsistent.
absl::Status Validate(const snapshot::DetectorState& state) {
  for (const snapshot::Profile& p : state.profiles()) {
    if (p.countries_size() != p.country_nanos_size() ||
        p.asns_size() != p.asn_nanos_size()) {
      return absl::DataLossError(
          absl::StrCat("snapshot is malformed: profile of ", p.identity(),
                       " has times that do not match its entries"));
    }
  }
  for (const snapshot::DedupEntry& d : state.dedup()) {
    if (d.severity() > static_cast<uint32_t>(Severity::kHigh)) {
      return absl::DataLossError(
          absl::StrCat("snapshot is malformed: dedup entry ", d.key(),
                       " has severity ", d.severity()));
    }
  }
  return absl::OkStatus();
}

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  const int error = errno;
  const std::string message =
      absl::StrCat(path, ": ", what, ": ", std::strerror(error));
  if (error == ENOENT) return absl::NotFoundError(message);
  if (error == EACCES || error == EPERM) {
    return absl::PermissionDeniedError(message);
  }
  return absl::UnknownError(message);
}

// Writes all of `bytes` to `fd`.
bool WriteAll(int fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string EncodeSnapshot(const StateParts& parts) {
  snapshot::DetectorState state;
  state.set_has_first_call(*parts.first_call != absl::InfiniteFuture());
  if (state.has_first_call()) {
    state.set_first_call_nanos(Nanos(*parts.first_call));
    state.set_watermark_nanos(Nanos(*parts.watermark));
  }
  EncodeProfiles(*parts.profiles, &state);
  EncodeSessions(*parts.issuances, &state);
  EncodeLearnedAndDedup(parts, &state);
  return FrameSnapshot(kSnapshotFormatVersion, state.SerializeAsString());
}

std::string FrameSnapshot(uint32_t version, absl::string_view state) {
  std::string out(kMagic);
  std::string header;
  PutLittleEndian(version, 4, &header);
  PutLittleEndian(state.size(), 8, &header);
  const uint32_t crc = Checksum(absl::StrCat(header, state));
  absl::StrAppend(&out, header);
  PutLittleEndian(crc, 4, &out);
  absl::StrAppend(&out, state);
  return out;
}

absl::StatusOr<std::unique_ptr<DecodedSnapshot>> DecodeSnapshot(
    absl::string_view bytes) {
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return absl::DataLossError("not an offregion snapshot (no magic bytes)");
  }
  bytes.remove_prefix(kMagic.size());
  if (bytes.size() < kHeaderBytes) {
    return absl::DataLossError("snapshot is truncated (incomplete header)");
  }
  const uint64_t version = GetLittleEndian(bytes.substr(0, 4));
  const uint64_t length = GetLittleEndian(bytes.substr(4, 8));
  const uint64_t crc = GetLittleEndian(bytes.substr(12, 4));
  const absl::string_view state = bytes.substr(kHeaderBytes);
  if (length != state.size()) {
    return absl::DataLossError(
        absl::StrCat("snapshot is truncated or padded: the header says ",
                     length, " bytes of state, the file has ", state.size()));
  }
  if (Checksum(absl::StrCat(bytes.substr(0, 12), state)) != crc) {
    return absl::DataLossError(
        "snapshot checksum does not match its contents (corrupt file)");
  }
  if (version != kSnapshotFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("snapshot format version ", version,
                     " is not supported (this build reads version ",
                     kSnapshotFormatVersion, ")"));
  }
  auto decoded = std::make_unique<DecodedSnapshot>();
  if (!decoded->state.ParseFromArray(state.data(),
                                     static_cast<int>(state.size()))) {
    return absl::DataLossError("snapshot state is malformed");
  }
  if (absl::Status valid = Validate(decoded->state); !valid.ok()) {
    return valid;
  }
  return decoded;
}

void ApplySnapshot(const DecodedSnapshot& snapshot, const StateParts& parts) {
  const snapshot::DetectorState& state = snapshot.state;
  if (state.has_first_call()) {
    *parts.first_call = FromNanos(state.first_call_nanos());
    *parts.watermark = FromNanos(state.watermark_nanos());
  }
  for (const snapshot::Profile& p : state.profiles()) {
    for (int i = 0; i < p.countries_size(); ++i) {
      parts.profiles->Record(p.identity(), p.countries(i), 0,
                             FromNanos(p.country_nanos(i)));
    }
    for (int i = 0; i < p.asns_size(); ++i) {
      parts.profiles->Record(p.identity(), "", p.asns(i),
                             FromNanos(p.asn_nanos(i)));
    }
  }
  for (const snapshot::SessionIssuer& s : state.session_issuers()) {
    parts.issuances->RestoreIssuer(
        s.key(),
        IssuanceTable::Entry{s.issuer(), "", "", FromNanos(s.time_nanos())});
  }
  for (const snapshot::Issuance& s : state.issuances()) {
    parts.issuances->RestoreCredential(
        s.key(), IssuanceTable::Entry{s.issuer(), s.region(), s.access_key_id(),
                                      FromNanos(s.time_nanos())});
  }
  for (const snapshot::LearnedRegion& l : state.learned()) {
    parts.learned->Restore(
        l.key(), LearnedRegions::DayCount{l.region(), l.day(), l.count()});
  }
  for (const snapshot::DedupEntry& d : state.dedup()) {
    parts.dedup->Put(
        d.key(), DedupEntry{d.alert_id(), static_cast<Severity>(d.severity()),
                            FromNanos(d.time_nanos())});
  }
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view bytes) {
  const std::string temp = absl::StrCat(path, ".tmp.", ::getpid());
  const int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create", temp);
  if (!WriteAll(fd, bytes) || ::fsync(fd) != 0) {
    absl::Status error = ErrnoError("cannot write", temp);
    ::close(fd);
    ::unlink(temp.c_str());
    return error;
  }
  if (::close(fd) != 0) {
    absl::Status error = ErrnoError("cannot close", temp);
    ::unlink(temp.c_str());
    return error;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    absl::Status error = ErrnoError("cannot rename over", path);
    ::unlink(temp.c_str());
    return error;
  }
  const int dir = ::open(DirectoryOf(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": is a directory"));
    }
    if (!S_ISREG(info.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": not a regular file"));
    }
  }
  return ReadFile(path);
}

}  // namespace offregion::internal
