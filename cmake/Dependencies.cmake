# Finds the Debian-packaged dependencies, reusing targets that a parent
# project already defines.
if(NOT TARGET absl::status)
  find_package(absl CONFIG REQUIRED)
endif()
if(NOT TARGET simdjson::simdjson)
  find_package(simdjson CONFIG REQUIRED)
endif()
find_package(Protobuf REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBLOC REQUIRED IMPORTED_TARGET libloc)
pkg_check_modules(MAXMINDDB REQUIRED IMPORTED_TARGET libmaxminddb)
