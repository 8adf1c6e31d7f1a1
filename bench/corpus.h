// A generator of realistic CloudTrail records for the benchmarks, with a
// fixed seed: mostly people and services; a quarter compute-attached roles
// over thousands of instances and hundreds of roles in several regions;
// most of their calls in region, a few replays from outside; records of
// 0.5 to 3 KB with request and response parameters.

#ifndef OFFREGION_BENCH_CORPUS_H_
#define OFFREGION_BENCH_CORPUS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace offregion::bench {

struct CorpusOptions {
  size_t records = 200'000;
  uint32_t seed = 42;
  int instances = 3000;
  int roles = 300;
  int days = 30;
};

// Returns the records, one JSON document each, in time order.
std::vector<std::string> GenerateCorpus(const CorpusOptions& options = {});

// Returns the total size in bytes of `records`.
size_t CorpusBytes(const std::vector<std::string>& records);

}  // namespace offregion::bench

#endif  // OFFREGION_BENCH_CORPUS_H_
