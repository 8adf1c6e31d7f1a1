// A string-keyed map that holds at most a fixed number of entries, and
// forgets those touched longest ago (in event time) when it is full.

#ifndef OFFREGION_SRC_STATE_BOUNDED_MAP_H_
#define OFFREGION_SRC_STATE_BOUNDED_MAP_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace offregion::internal {

// Not thread-safe. Eviction drops about an eighth of the entries at once,
// so its cost is amortised to O(1) per insertion.
template <typename V>
class BoundedMap {
 public:
  // REQUIRES: max_entries > 0.
  explicit BoundedMap(size_t max_entries) : max_entries_(max_entries) {}

  // Returns the value of `key`, or null. The pointer is valid until the
  // next non-const call.
  const V* Find(absl::string_view key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.value;
  }
  V* Find(absl::string_view key) {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.value;
  }

  // Returns the value of `key`, inserting a default one, and marks it
  // touched at `time` (never moving the mark back). May evict other keys.
  V& Upsert(absl::string_view key, absl::Time time) {
    auto it = map_.find(key);
    if (it == map_.end()) {
      if (map_.size() >= max_entries_) Shrink();
      it = map_.emplace(std::string(key), Slot{V(), time}).first;
    }
    it->second.touched = std::max(it->second.touched, time);
    return it->second.value;
  }

  // Erases every entry for which pred(key, value, touched) is true.
  template <typename Pred>
  void EraseIf(Pred pred) {
    for (auto it = map_.begin(); it != map_.end();) {
      if (pred(it->first, it->second.value, it->second.touched)) {
        map_.erase(it++);
      } else {
        ++it;
      }
    }
  }

  // Calls fn(key, value, touched) for every entry, in no order.
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (const auto& [key, slot] : map_) fn(key, slot.value, slot.touched);
  }

  size_t size() const { return map_.size(); }
  size_t max_entries() const { return max_entries_; }

  // Returns how many entries were forgotten to stay within max_entries.
  uint64_t evicted() const { return evicted_; }

  // Sets a function called with each value forgotten to stay within
  // max_entries, just before it goes.
  void set_on_evict(std::function<void(const V&)> on_evict) {
    on_evict_ = std::move(on_evict);
  }

 private:
  struct Slot {
    V value;
    absl::Time touched;
  };

  // Forgets the entries touched longest ago: an eighth of the capacity.
  void Shrink() {
    const size_t drop = std::max<size_t>(1, max_entries_ / 8);
    std::vector<absl::Time> times;
    times.reserve(map_.size());
    for (const auto& kv : map_) times.push_back(kv.second.touched);
    const size_t nth = std::min(drop, times.size()) - 1;
    std::nth_element(times.begin(), times.begin() + nth, times.end());
    const absl::Time cutoff = times[nth];
    size_t dropped = 0;
    absl::erase_if(map_, [&](const auto& kv) {
      if (dropped >= drop || kv.second.touched > cutoff) return false;
      ++dropped;
      if (on_evict_) on_evict_(kv.second.value);
      return true;
    });
    evicted_ += dropped;
  }

  size_t max_entries_;
  uint64_t evicted_ = 0;
  std::function<void(const V&)> on_evict_;
  absl::flat_hash_map<std::string, Slot> map_;
};

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_STATE_BOUNDED_MAP_H_
