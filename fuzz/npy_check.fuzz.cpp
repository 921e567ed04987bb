// Fuzzes the checker's .npy reader (include/tconv/check/npy.hpp, used by `tconv run` and
// `tconv check`): every dtype, byte order, Fortran order and header form it accepts, and every
// malformed file. A bad file must end in npy_error naming it; an accepted one must hold exactly
// prod(shape) values, and the claimed size is checked against the file before allocating.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tconv/check/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("tconv-fuzz-npycheck-" + std::to_string(getpid()) + ".npy");
  static const bool cleanup = std::atexit([] {
                                std::error_code ec;
                                std::filesystem::remove(file, ec);
                              }) == 0;
  (void)cleanup;
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const auto a = tconv::check::read_npy(file.string());
    std::int64_t n = 1;
    for (auto e : a.shape) {
      if (e < 0) std::abort();
      n *= e;
    }
    if (n != a.size() || n * 2 > static_cast<std::int64_t>(size)) std::abort();
  } catch (const tconv::check::npy_error&) {
  }
  return 0;
}
