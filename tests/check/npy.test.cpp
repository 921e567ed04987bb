// .npy reading: hand-made files (bytes written here, not by the writer under test) in every
// supported dtype, both byte orders, Fortran order, versions 1-3; and lying or truncated files.
#include "tconv/check/npy.hpp"

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <tuple>

namespace tc = tconv::check;

namespace {

std::string file_with(const std::string& name, const std::string& header, const std::string& data,
                      int major = 1) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("tconv-npy-test-" + name + ".npy")).string();
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY", 6);
  out.put(static_cast<char>(major));
  out.put(0);
  const auto n = header.size();
  out.put(static_cast<char>(n & 0xff));
  out.put(static_cast<char>((n >> 8) & 0xff));
  if (major > 1) {
    out.put(static_cast<char>((n >> 16) & 0xff));
    out.put(static_cast<char>((n >> 24) & 0xff));
  }
  out << header << data;
  return path;
}

template <class T>
std::string bytes(std::initializer_list<T> v, bool big = false) {
  std::string s;
  for (T x : v) {
    char b[sizeof(T)];
    std::memcpy(b, &x, sizeof(T));
    if (big) std::reverse(b, b + sizeof(T));
    s.append(b, sizeof(T));
  }
  return s;
}

std::string error_of(const std::string& path) {
  try {
    (void)tc::read_npy(path);
  } catch (const tc::npy_error& e) {
    return e.what();
  }
  return "";
}

std::string error_of_limited(const std::string& path, std::int64_t max_elements) {
  try {
    (void)tc::read_npy(path, max_elements);
  } catch (const tc::npy_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("npy: dtypes, byte orders, versions, Fortran order", "[npy]") {
  auto a =
      tc::read_npy(file_with("f4", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n",
                             bytes<float>({1, 2, 3, 4})));
  CHECK(a.shape == std::vector<std::int64_t>{2, 2});
  CHECK(a.f == std::vector<float>{1, 2, 3, 4});
  a = tc::read_npy(file_with("f8be", "{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }\n",
                             bytes<double>({1.5, -2, 1e300}, true)));
  CHECK(a.d == std::vector<double>{1.5, -2, 1e300});
  // float16: 1.0 = 0x3c00, -2.0 = 0xc000, smallest subnormal 0x0001 = 2^-24, inf 0x7c00
  a = tc::read_npy(file_with("f2", "{'descr': '<f2', 'fortran_order': False, 'shape': (4,), }\n",
                             bytes<std::uint16_t>({0x3c00, 0xc000, 0x0001, 0x7c00})));
  CHECK(a.f[0] == 1.0f);
  CHECK(a.f[1] == -2.0f);
  CHECK(a.f[2] == 0x1p-24f);
  CHECK(std::isinf(a.f[3]));
  a = tc::read_npy(file_with("i8", "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n",
                             bytes<std::int64_t>({-7, 9007199254740992})));
  CHECK(a.d == std::vector<double>{-7, 9007199254740992.0});
  a = tc::read_npy(file_with("i4v2",
                             "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2), }\n",
                             bytes<std::int32_t>({5, 6}), 2));
  CHECK(a.d == std::vector<double>{5, 6});
  a = tc::read_npy(file_with("v3", "{'descr': '<f4', 'fortran_order': False, 'shape': (), }\n",
                             bytes<float>({42}), 3));
  CHECK(a.shape.empty());
  CHECK(a.f == std::vector<float>{42});
  // Fortran order: memory 1 2 3 4 5 6 of shape (2, 3) is [[1, 3, 5], [2, 4, 6]]
  a = tc::read_npy(file_with("fortran",
                             "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n",
                             bytes<float>({1, 2, 3, 4, 5, 6})));
  CHECK(a.f == std::vector<float>{1, 3, 5, 2, 4, 6});
}

TEST_CASE("npy: read_npy_direct reads native float32 as it is, anything else as read_npy",
          "[npy]") {
  auto padded = [](std::string h) {  // data on a 64-byte boundary, as numpy writes it
    while ((10 + h.size() + 1) % 64 != 0) h += ' ';
    return h + "\n";
  };
  auto odd = [](std::string h) {  // data at an offset that is not a multiple of 4
    while ((10 + h.size() + 1) % 4 != 1) h += ' ';
    return h + "\n";
  };
  const auto native =
      file_with("map_f4", padded("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"),
                bytes<float>({1, -2, 3.5f, 0x1p-149f, 5, 6}));
  const auto m = tc::read_npy_direct(native);
  REQUIRE(m.direct != nullptr);
  CHECK(m.f.empty());
  CHECK(m.size() == 6);
  CHECK(m.shape == std::vector<std::int64_t>{2, 3});
  CHECK(std::vector<float>(m.floats(), m.floats() + 6) == tc::read_npy(native).f);
  CHECK(m.as_double() == std::vector<double>{1, -2, 3.5, 0x1p-149, 5, 6});
  // data at an offset that is not a multiple of 4: read directly all the same
  const auto at_odd = tc::read_npy_direct(
      file_with("map_odd", odd("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"),
                bytes<float>({1, 2})));
  REQUIRE(at_odd.direct != nullptr);
  CHECK(at_odd.as_double() == std::vector<double>{1, 2});
  // big-endian, Fortran order, float64: read by read_npy
  for (const auto& [name, header, data] :
       {std::tuple{"map_be", padded("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }"),
                   bytes<float>({1, 2}, true)},
        std::tuple{"map_fortran",
                   padded("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }"),
                   bytes<float>({1, 2, 3, 4})},
        std::tuple{"map_f8", padded("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"),
                   bytes<double>({1, 2})}}) {
    const auto path = file_with(name, header, data);
    const auto a = tc::read_npy_direct(path), b = tc::read_npy(path);
    CHECK(a.direct == nullptr);
    CHECK(a.as_double() == b.as_double());
  }
  // the header is checked as read_npy checks it: a truncated file is refused
  CHECK_THROWS_AS(
      tc::read_npy_direct(file_with(
          "map_trunc", padded("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }"),
          bytes<float>({1, 2}))),
      tc::npy_error);
}

TEST_CASE("npy: bad files are refused with a message naming the file and the fault", "[npy]") {
  const std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n";
  CHECK(error_of(file_with("trunc", h, bytes<float>({1, 2, 3}))).find("truncated") !=
        std::string::npos);
  CHECK(error_of(file_with("extra", h, bytes<float>({1, 2, 3, 4, 5}))).find("unexpected bytes") !=
        std::string::npos);
  const auto huge = error_of(file_with(
      "huge", "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 100000000), }\n",
      ""));
  CHECK(huge.find("tconv-npy-test-huge") != std::string::npos);
  CHECK(error_of(file_with("lyinglen", std::string(10, ' '), "")).find("dictionary") !=
        std::string::npos);
  CHECK(
      error_of(file_with("u1", "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }\n", "x"))
          .find("dtype") != std::string::npos);
  CHECK(error_of(file_with("c8", "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n",
                           "12345678"))
            .find("unsupported dtype") != std::string::npos);
  CHECK(
      error_of(file_with("neg", "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }\n", ""))
          .find("shape") != std::string::npos);
  CHECK(error_of(file_with("i8big", "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }\n",
                           bytes<std::int64_t>({9007199254740993})))
            .find("not exactly representable") != std::string::npos);
  CHECK(error_of("/nonexistent/x.npy").find("cannot open") != std::string::npos);
  // header length beyond the file
  const std::string path =
      (std::filesystem::temp_directory_path() / "tconv-npy-test-hlen.npy").string();
  {
    std::ofstream out(path, std::ios::binary);
    out.write("\x93NUMPY\x01\x00\xff\xff{}", 12);
  }
  CHECK(error_of(path).find("truncated header") != std::string::npos);
  {
    std::ofstream out(path, std::ios::binary);
    out.write("\x89PNG\r\n\x1a\n\0\0\0\0", 12);
  }
  CHECK(error_of(path).find("magic") != std::string::npos);
}

TEST_CASE("npy: written files read back (format 1.0, little endian)", "[npy]") {
  const std::string path =
      (std::filesystem::temp_directory_path() / "tconv-npy-test-rt.npy").string();
  const std::vector<float> v{1.5f, -0.0f, 3e-45f, 7};
  tc::write_npy(path, {2, 2}, v.data(), 4);
  const auto a = tc::read_npy(path);
  CHECK(a.dtype == tc::npy_dtype::float32);
  CHECK(a.f == v);
}

TEST_CASE("npy: limits on the header, dtype names, duplicate keys (issue 14)", "[npy]") {
  const std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n";
  const auto four = file_with("limit", h, bytes<float>({1, 2, 3, 4}));
  CHECK(tc::read_npy(four, 4).f.size() == 4);
  // more values than allowed: refused on the header, naming the limit
  CHECK(error_of_limited(four, 3).find("more than the 3") != std::string::npos);
  // a wrong size is still named as such before the limit
  CHECK(
      error_of_limited(file_with("limit_trunc", h, bytes<float>({1, 2, 3})), 3).find("truncated") !=
      std::string::npos);
  CHECK(
      error_of(file_with("b1", "{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }\n", "x"))
          .find("(bool)") != std::string::npos);
  CHECK(
      error_of(file_with("u1n", "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }\n", "x"))
          .find("(uint8)") != std::string::npos);
  CHECK(
      error_of(file_with("u2", "{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }\n", "xx"))
          .find("(uint16)") != std::string::npos);
  CHECK(
      error_of(file_with("i1", "{'descr': '|i1', 'fortran_order': False, 'shape': (1,), }\n", "x"))
          .find("(int8)") != std::string::npos);
  // NumPy would take the last 'descr'; two are refused by name
  const auto dup = error_of(file_with(
      "dup", "{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n",
      "12345678"));
  CHECK(dup.find("'descr' 2 times") != std::string::npos);
  CHECK(error_of(std::filesystem::temp_directory_path().string()).find("directory") !=
        std::string::npos);
  // Fortran order of rank 3, big endian: transposed without an index table
  const auto a = tc::read_npy(
      file_with("fortran3", "{'descr': '>f4', 'fortran_order': True, 'shape': (2, 2, 2), }\n",
                bytes<float>({0, 4, 2, 6, 1, 5, 3, 7}, true)));
  CHECK(a.f == std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7});
}
