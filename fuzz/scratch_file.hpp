#pragma once
// For fuzz targets whose reader takes a path: the input written to one scratch file per process
// (parallel fuzzing jobs stay apart; the file is removed at exit), and the element count a shape
// claims (a negative extent aborts: no reader may accept one).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace tconv::fuzz {

/// data[0, size) written to <tmp>/tconv-fuzz-<tag>-<pid>.npy; the same path on every call.
inline const std::filesystem::path& scratch_file(const char* tag, const std::uint8_t* data,
                                                 std::size_t size) {
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("tconv-fuzz-" + std::string(tag) + "-" + std::to_string(getpid()) + ".npy");
  static const bool cleanup = std::atexit([] {
                                std::error_code ec;
                                std::filesystem::remove(file, ec);
                              }) == 0;
  (void)cleanup;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return file;
}

/// prod(shape); aborts on a negative extent.
inline std::int64_t claimed_count(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (auto e : shape) {
    if (e < 0) std::abort();
    n *= e;
  }
  return n;
}

}  // namespace tconv::fuzz
