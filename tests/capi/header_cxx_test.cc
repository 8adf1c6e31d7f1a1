// Checks that the C header compiles as C++ and that its functions link
// from C++ without extern "C" of the caller's own.

#include <cstring>

#include "offregion/offregion.h"

int main() {
  return std::strcmp(offregion_version_string(), OFFREGION_VERSION_STRING) == 0
             ? 0
             : 1;
}
