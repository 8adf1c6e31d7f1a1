// offregion/home.h: where a compute resource runs (its home region).
//
// The detector asks a chain of resolvers, first answer wins: the record
// itself, the caller's inventory, the issuance of the credentials, and the
// region learned from the resource's own calls. The caller plugs in an
// inventory, either the CSV-backed Inventory below or its own HomeResolver
// (an asset service, a CMDB). Resolve may be called from several threads at
// once, so implementations must be thread-safe; Inventory is immutable once
// loaded.
//
//   auto inventory = offregion::Inventory::LoadFile("inventory.csv");
//   options.inventory = std::move(*inventory);

#ifndef OFFREGION_HOME_H_
#define OFFREGION_HOME_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "offregion/event.h"
#include "offregion/verdict.h"

namespace offregion {

// What a resolver is asked.
struct HomeQuery {
  const Event* event = nullptr;  // the event being judged; never null
  IdentityClass identity_class = IdentityClass::kUnknown;
  absl::string_view account;
  absl::string_view identity;
  absl::string_view compute_id;  // instance id, function name, VM id
};

// A resolver's answer.
struct HomeAnswer {
  std::string region;
  HomeSource source = HomeSource::kOther;
};

class HomeResolver {
 public:
  virtual ~HomeResolver() = default;

  // Returns the home region of the compute resource named in `query`, or
  // nullopt when this resolver does not know it.
  virtual std::optional<HomeAnswer> Resolve(const HomeQuery& query) const = 0;
};

// The caller's inventory: compute id (and optionally account) to region.
// Rows with an account match only that account; rows without one match any.
class Inventory : public HomeResolver {
 public:
  Inventory();
  ~Inventory() override;

  // Returns the inventory in `csv`: rows of `compute_id,region` or
  // `compute_id,region,account`, with an optional header row naming those
  // columns. InvalidArgument naming the line on a malformed row.
  static absl::StatusOr<std::unique_ptr<Inventory>> Parse(
      absl::string_view csv);

  // Reads and parses `path`; errors name the file.
  static absl::StatusOr<std::unique_ptr<Inventory>> LoadFile(
      const std::string& path);

  // Adds or replaces one entry. Not thread-safe: add before sharing.
  void Add(absl::string_view compute_id, absl::string_view region,
           absl::string_view account = "");

  // Returns the region of `compute_id`, or nullopt.
  std::optional<std::string> Find(absl::string_view account,
                                  absl::string_view compute_id) const;

  // Answers with source kInventory.
  std::optional<HomeAnswer> Resolve(const HomeQuery& query) const override;

  size_t size() const { return regions_.size(); }

 private:
  // Keyed by "account|compute_id"; account empty for rows without one.
  absl::flat_hash_map<std::string, std::string> regions_;
};

}  // namespace offregion

#endif  // OFFREGION_HOME_H_
