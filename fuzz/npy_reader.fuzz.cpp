// Fuzzes the .npy reader with arbitrary file contents: truncated data, lying header lengths, huge
// or negative shapes, other dtypes, Fortran order, broken header dicts. Each must end in
// usage_error naming the file; an accepted file must hold exactly prod(shape) values, and never
// more than the element limit (a lying header cannot force a huge allocation).
#include "harness/case_dir.hpp"
#include "scratch_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& file = tconv::fuzz::scratch_file("npy", data, size);
  constexpr std::int64_t limit = std::int64_t{1} << 20;
  try {
    std::vector<std::int64_t> shape;
    const auto values = tconv::harness::read_npy_f32(file, shape, limit);
    const std::int64_t n = tconv::fuzz::claimed_count(shape);
    if (n != static_cast<std::int64_t>(values.size()) || n > limit) std::abort();
  } catch (const tconv::usage_error&) {
  }
  return 0;
}
