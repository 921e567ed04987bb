// Fuzzes the checker's .npy reader (include/tconv/check/npy.hpp, used by `tconv run` and
// `tconv check`): every dtype, byte order, Fortran order and header form it accepts, and every
// malformed file. A bad file must end in npy_error naming it; an accepted one must hold exactly
// prod(shape) values, and the claimed size is checked against the file before allocating.
#include "scratch_file.hpp"
#include "tconv/check/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& file = tconv::fuzz::scratch_file("npycheck", data, size);
  try {
    const auto a = tconv::check::read_npy(file.string());
    const std::int64_t n = tconv::fuzz::claimed_count(a.shape);
    if (n != a.size() || n * 2 > static_cast<std::int64_t>(size)) std::abort();
  } catch (const tconv::check::npy_error&) {
  }
  return 0;
}
