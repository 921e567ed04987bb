// huge_pages.hpp: buffers from 64 KiB on start on a 2 MiB boundary (whole huge pages, advised
// before their first touch), smaller ones on a 64-byte one.
#include "tconv/check/huge_pages.hpp"

#include <catch2/catch.hpp>
#include <cstdint>

namespace tc = tconv::check;

namespace {
std::uintptr_t misalignment(const void* p, std::uintptr_t to) {
  return reinterpret_cast<std::uintptr_t>(p) % to;
}
constexpr std::uintptr_t huge = std::uintptr_t{1} << 21;
}  // namespace

TEST_CASE("scratch_buffer and huge_vector: whole 2 MiB pages from 64 KiB on", "[check][huge]") {
  const tc::scratch_buffer<double> big(std::size_t{1} << 13), small(100);
  CHECK(misalignment(big.data(), huge) == 0);
  CHECK(misalignment(small.data(), 64) == 0);
  tc::huge_vector<double> v(std::size_t{1} << 15, 1.0);
  CHECK(misalignment(v.data(), huge) == 0);
  CHECK(v.back() == 1.0);
  v.assign(std::size_t{3} << 18, 2.0);  // grown past its capacity: new storage, aligned again
  CHECK(misalignment(v.data(), huge) == 0);
  CHECK(v[(std::size_t{3} << 18) - 1] == 2.0);
  const tc::huge_vector<float> tiny(10);
  CHECK(misalignment(tiny.data(), 64) == 0);
  // and the check can fail: one value further is not on the boundary
  CHECK(misalignment(big.data() + 1, huge) != 0);
}
