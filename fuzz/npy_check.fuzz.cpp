// Fuzzes the checker's .npy reader (include/tconv/check/npy.hpp, used by `tconv run` and
// `tconv check`): every dtype, byte order, Fortran order and header form it accepts, and every
// malformed file. A bad file must end in npy_error naming it; an accepted one must hold exactly
// prod(shape) values, and the claimed size is checked against the file before allocating.
// read_npy_direct (what `tconv check` and `tconv run` read with) must accept and refuse the same
// files and give the same values.
#include <cstdlib>
#include <cstring>

#include "scratch_file.hpp"
#include "tconv/check/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& file = tconv::fuzz::scratch_file("npycheck", data, size);
  bool read = false, direct = false;
  tconv::check::npy_array a, b;
  try {
    a = tconv::check::read_npy(file.string());
    read = true;
    const std::int64_t n = tconv::fuzz::claimed_count(a.shape);
    if (n != a.size() || n * 2 > static_cast<std::int64_t>(size)) std::abort();
  } catch (const tconv::check::npy_error&) {
  }
  try {
    b = tconv::check::read_npy_direct(file.string());
    direct = true;
  } catch (const tconv::check::npy_error&) {
  }
  if (read != direct) std::abort();
  // the same values, bit for bit (NaN payloads included)
  if (read &&
      (a.shape != b.shape || a.dtype != b.dtype || a.size() != b.size() ||
       (a.is_float() && a.size() > 0 &&
        std::memcmp(a.floats(), b.floats(), static_cast<std::size_t>(a.size()) * 4) != 0) ||
       (!a.is_float() && a.d != b.d && std::memcmp(a.d.data(), b.d.data(), a.d.size() * 8) != 0)))
    std::abort();
  return 0;
}
