// Writes the benchmark corpus as JSON Lines, for scans from the command
// line: make_corpus FILE [RECORDS]

#include <cstdio>
#include <cstdlib>

#include "bench/corpus.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: make_corpus FILE [RECORDS]\n");
    return 2;
  }
  offregion::bench::CorpusOptions options;
  if (argc > 2) options.records = std::strtoul(argv[2], nullptr, 10);
  FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr) {
    std::perror(argv[1]);
    return 1;
  }
  for (const std::string& record : offregion::bench::GenerateCorpus(options)) {
    std::fputs(record.c_str(), out);
    std::fputc('\n', out);
  }
  return std::fclose(out) == 0 ? 0 : 1;
}
