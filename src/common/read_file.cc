// ReadFile: reads a whole file with stdio, mapping errno to a status.

#include "src/common/read_file.h"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace offregion::internal {
namespace {

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) return absl::ErrnoToStatus(errno, path);

  std::string contents;
  char buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    contents.append(buffer, got);
  }
  if (std::ferror(file.get())) return absl::ErrnoToStatus(errno, path);
  return contents;
}

}  // namespace offregion::internal
