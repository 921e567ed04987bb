// Fuzzes the .npy reader with arbitrary file contents: truncated data, lying header lengths, huge
// or negative shapes, other dtypes, Fortran order, broken header dicts. Each must end in
// usage_error naming the file; an accepted file must hold exactly prod(shape) values, and never
// more than the element limit (a lying header cannot force a huge allocation).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/case_dir.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // the reader takes a path; one scratch file per process keeps parallel fuzzing jobs apart
  static const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                            ("tconv-fuzz-npy-" + std::to_string(getpid()) + ".npy");
  static const bool cleanup = std::atexit([] {
                                std::error_code ec;
                                std::filesystem::remove(file, ec);
                              }) == 0;
  (void)cleanup;
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  constexpr std::int64_t limit = std::int64_t{1} << 20;
  try {
    std::vector<std::int64_t> shape;
    const auto values = tconv::harness::read_npy_f32(file, shape, limit);
    std::int64_t n = 1;
    for (auto e : shape) {
      if (e < 0) std::abort();
      n *= e;
    }
    if (n != static_cast<std::int64_t>(values.size()) || n > limit) std::abort();
  } catch (const tconv::usage_error&) {
  }
  return 0;
}
