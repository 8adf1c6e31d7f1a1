// The default in-memory profile store: per identity, the last time each
// country and ASN was seen, bounded in identities and entries.

#include <algorithm>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "offregion/state.h"
#include "src/state/bounded_map.h"

namespace offregion {
namespace {

struct Profile {
  absl::flat_hash_map<std::string, absl::Time> countries;
  absl::flat_hash_map<uint32_t, absl::Time> asns;

  size_t entries() const { return countries.size() + asns.size(); }
};

template <typename Map, typename Key>
void Touch(Map& map, const Key& key, absl::Time time) {
  auto [it, inserted] = map.try_emplace(key, time);
  if (!inserted) it->second = std::max(it->second, time);
}

// Drops the oldest entry of whichever map holds it.
void DropOldest(Profile& profile) {
  auto older = [](const auto& a, const auto& b) { return a.second < b.second; };
  auto c = std::min_element(profile.countries.begin(), profile.countries.end(),
                            older);
  auto a = std::min_element(profile.asns.begin(), profile.asns.end(), older);
  const bool take_country = c != profile.countries.end() &&
                            (a == profile.asns.end() || c->second <= a->second);
  if (take_country) {
    profile.countries.erase(c);
  } else if (a != profile.asns.end()) {
    profile.asns.erase(a);
  }
}

class InMemoryProfileStore : public ProfileStore {
 public:
  explicit InMemoryProfileStore(ProfileStoreLimits limits)
      : limits_(limits), profiles_(std::max<size_t>(1, limits.max_identities)) {
    profiles_.set_on_evict(
        [this](const Profile& p) { evicted_entries_ += p.entries(); });
  }

  absl::Time LastSeenCountry(absl::string_view identity,
                             absl::string_view country) const override {
    const Profile* p = profiles_.Find(identity);
    if (p == nullptr) return absl::InfinitePast();
    auto it = p->countries.find(country);
    return it == p->countries.end() ? absl::InfinitePast() : it->second;
  }

  absl::Time LastSeenAsn(absl::string_view identity,
                         uint32_t asn) const override {
    const Profile* p = profiles_.Find(identity);
    if (p == nullptr) return absl::InfinitePast();
    auto it = p->asns.find(asn);
    return it == p->asns.end() ? absl::InfinitePast() : it->second;
  }

  void Record(absl::string_view identity, absl::string_view country,
              uint32_t asn, absl::Time time) override {
    if (country.empty() && asn == 0) return;
    Profile& p = profiles_.Upsert(identity, time);
    if (!country.empty()) Touch(p.countries, std::string(country), time);
    if (asn != 0) Touch(p.asns, asn, time);
    while (p.entries() >
           std::max<size_t>(2, limits_.max_entries_per_identity)) {
      DropOldest(p);
      ++evicted_entries_;
    }
  }

  void Expire(absl::Time cutoff) override {
    profiles_.EraseIf([cutoff](const std::string&, Profile& p, absl::Time) {
      absl::erase_if(p.countries,
                     [cutoff](const auto& kv) { return kv.second < cutoff; });
      absl::erase_if(p.asns,
                     [cutoff](const auto& kv) { return kv.second < cutoff; });
      return p.entries() == 0;
    });
  }

  size_t size() const override { return profiles_.size(); }
  uint64_t evicted() const override { return evicted_entries_; }

  void ForEach(absl::FunctionRef<void(absl::string_view, const Entries&)> fn)
      const override {
    Entries entries;
    profiles_.ForEach(
        [&](const std::string& identity, const Profile& p, absl::Time) {
          entries.countries.assign(p.countries.begin(), p.countries.end());
          entries.asns.assign(p.asns.begin(), p.asns.end());
          fn(identity, entries);
        });
  }

 private:
  ProfileStoreLimits limits_;
  uint64_t evicted_entries_ = 0;
  internal::BoundedMap<Profile> profiles_;
};

class InMemoryDedupCache : public DedupCache {
 public:
  explicit InMemoryDedupCache(size_t max_entries)
      : entries_(std::max<size_t>(1, max_entries)) {}

  std::optional<DedupEntry> Find(absl::string_view key) const override {
    const DedupEntry* e = entries_.Find(key);
    if (e == nullptr) return std::nullopt;
    return *e;
  }

  void Put(absl::string_view key, DedupEntry entry) override {
    const absl::Time time = entry.time;
    entries_.Upsert(key, time) = std::move(entry);
  }

  void Expire(absl::Time cutoff) override {
    entries_.EraseIf([cutoff](const std::string&, const DedupEntry& e,
                              absl::Time) { return e.time < cutoff; });
  }

  size_t size() const override { return entries_.size(); }
  uint64_t evicted() const override { return entries_.evicted(); }

  void ForEach(absl::FunctionRef<void(absl::string_view, const DedupEntry&)> fn)
      const override {
    entries_.ForEach([&](const std::string& key, const DedupEntry& e,
                         absl::Time) { fn(key, e); });
  }

 private:
  internal::BoundedMap<DedupEntry> entries_;
};

}  // namespace

std::unique_ptr<ProfileStore> NewInMemoryProfileStore(
    ProfileStoreLimits limits) {
  return std::make_unique<InMemoryProfileStore>(limits);
}

std::unique_ptr<DedupCache> NewInMemoryDedupCache(size_t max_entries) {
  return std::make_unique<InMemoryDedupCache>(max_entries);
}

}  // namespace offregion
