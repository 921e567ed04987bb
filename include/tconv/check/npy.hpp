#pragma once
// NumPy .npy files (format versions 1.0, 2.0, 3.0): float16/32/64 and int32/64, either byte
// order, C or Fortran order (Fortran data is transposed into C order on reading).
// Reading never trusts the header: the claimed size is compared with the file's size before any
// allocation, so a lying or truncated file ends in npy_error, never in a huge allocation.
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tconv/io/atomic_file.hpp"

namespace tconv::check {

/// The error every .npy problem throws; its message starts with the file name.
struct npy_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The element types a .npy file may hold here.
enum class npy_dtype { float16, float32, float64, int32, int64 };

[[nodiscard]] inline const char* name(npy_dtype t) {
  switch (t) {
    case npy_dtype::float16: return "float16";
    case npy_dtype::float32: return "float32";
    case npy_dtype::float64: return "float64";
    case npy_dtype::int32: return "int32";
    case npy_dtype::int64: return "int64";
  }
  return "?";
}

/// A loaded array. float16/float32 data are held (exactly) as float, the others as double.
struct npy_array {
  npy_dtype dtype = npy_dtype::float32;
  std::vector<std::int64_t> shape;
  std::vector<float> f;   // float16, float32
  std::vector<double> d;  // float64, int32, int64 (ints only when exact in double)
  [[nodiscard]] bool is_float() const {
    return dtype == npy_dtype::float16 || dtype == npy_dtype::float32;
  }
  [[nodiscard]] std::int64_t size() const {
    return static_cast<std::int64_t>(is_float() ? f.size() : d.size());
  }
  /// The values as double (exact: every held value is a double).
  [[nodiscard]] std::vector<double> as_double() const {
    if (!is_float()) return d;
    return std::vector<double>(f.begin(), f.end());
  }
};

namespace detail {

/// IEEE binary16 bits -> float (exact; subnormals, infinities and NaN kept).
[[nodiscard]] inline float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1fu, frac = h & 0x3ffu;
  std::uint32_t bits = 0;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (frac << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (frac << 13);
  } else if (frac == 0) {
    bits = sign;
  } else {
    // subnormal half: frac * 2^-24 is a normal float
    const float v = static_cast<float>(frac) * 0x1p-24f;
    return sign ? -v : v;
  }
  return std::bit_cast<float>(bits);
}

inline std::string shape_text(const std::vector<std::int64_t>& s) {
  std::string t = "[";
  for (std::size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + "]";
}

// The value of `key` in the header dict: the text after "'key':" up to the next top-level ','/'}'.
inline std::string_view dict_value(std::string_view h, std::string_view key, const std::string& file) {
  std::string k1 = "'" + std::string(key) + "'", k2 = "\"" + std::string(key) + "\"";
  auto pos = h.find(k1);
  std::size_t klen = k1.size();
  if (pos == std::string_view::npos) pos = h.find(k2);
  if (pos == std::string_view::npos)
    throw npy_error(file + ": header has no '" + std::string(key) + "' entry");
  auto p = pos + klen;
  while (p < h.size() && (h[p] == ' ')) ++p;
  if (p >= h.size() || h[p] != ':') throw npy_error(file + ": malformed header near '" + std::string(key) + "'");
  ++p;
  while (p < h.size() && h[p] == ' ') ++p;
  std::size_t e = p;
  int depth = 0;
  while (e < h.size()) {
    const char c = h[e];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (depth < 0 || (depth == 0 && (c == ',' || c == '}'))) break;
    ++e;
  }
  return h.substr(p, e - p);
}

}  // namespace detail

/// Reads a .npy file. Throws npy_error naming the file and what is wrong.
[[nodiscard]] inline npy_array read_npy(const std::string& file) {
  std::error_code ec;
  const auto fsize_u = std::filesystem::file_size(file, ec);
  if (ec) throw npy_error(file + ": cannot open (" + ec.message() + ")");
  const auto fsize = static_cast<std::int64_t>(fsize_u);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw npy_error(file + ": cannot open for reading");
  unsigned char pre[12] = {};
  if (fsize < 10) throw npy_error(file + ": too short to be a .npy file (" + std::to_string(fsize) + " bytes)");
  in.read(reinterpret_cast<char*>(pre), 10);
  if (std::memcmp(pre, "\x93NUMPY", 6) != 0) throw npy_error(file + ": not a .npy file (bad magic string)");
  const int major = pre[6], minor = pre[7];
  if (major < 1 || major > 3 || minor != 0)
    throw npy_error(file + ": unsupported .npy format version " + std::to_string(major) + "." +
                    std::to_string(minor) + " (1.0, 2.0 and 3.0 are supported)");
  std::int64_t hlen = 0, start = 0;
  if (major == 1) {
    hlen = pre[8] | (pre[9] << 8);
    start = 10;
  } else {
    if (fsize < 12) throw npy_error(file + ": truncated header");
    in.read(reinterpret_cast<char*>(pre + 10), 2);
    hlen = static_cast<std::int64_t>(pre[8]) | (static_cast<std::int64_t>(pre[9]) << 8) |
           (static_cast<std::int64_t>(pre[10]) << 16) | (static_cast<std::int64_t>(pre[11]) << 24);
    start = 12;
  }
  if (hlen > fsize - start)
    throw npy_error(file + ": truncated header (it claims " + std::to_string(hlen) +
                    " bytes, the file has " + std::to_string(fsize - start) + " after the preamble)");
  std::string header(static_cast<std::size_t>(hlen), '\0');
  in.read(header.data(), hlen);
  if (!in) throw npy_error(file + ": cannot read the header");
  for (char c : header)
    if (c == '\0') throw npy_error(file + ": header contains a NUL byte");
  const std::string_view h = header;
  if (h.find('{') == std::string_view::npos || h.find('}') == std::string_view::npos)
    throw npy_error(file + ": header is not a dictionary");

  // descr
  auto descr = detail::dict_value(h, "descr", file);
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"') || descr.back() != descr.front())
    throw npy_error(file + ": 'descr' must be a quoted dtype string, got " + std::string(descr));
  const std::string dt(descr.substr(1, descr.size() - 2));
  npy_array a;
  bool big = false;
  std::int64_t item = 0;
  {
    if (dt.size() != 3) throw npy_error(file + ": unsupported dtype '" + dt + "' (need float16/32/64 or int32/64)");
    const char order = dt[0];
    if (order == '>') big = true;
    else if (order != '<' && order != '=')
      throw npy_error(file + ": unsupported byte order in dtype '" + dt + "'");
    const std::string t = dt.substr(1);
    if (t == "f2") a.dtype = npy_dtype::float16, item = 2;
    else if (t == "f4") a.dtype = npy_dtype::float32, item = 4;
    else if (t == "f8") a.dtype = npy_dtype::float64, item = 8;
    else if (t == "i4") a.dtype = npy_dtype::int32, item = 4;
    else if (t == "i8") a.dtype = npy_dtype::int64, item = 8;
    else throw npy_error(file + ": unsupported dtype '" + dt + "' (need float16/32/64 or int32/64)");
  }
  // fortran_order
  const auto fo = detail::dict_value(h, "fortran_order", file);
  bool fortran = false;
  if (fo == "True") fortran = true;
  else if (fo != "False") throw npy_error(file + ": 'fortran_order' must be True or False, got " + std::string(fo));
  // shape
  auto sh = detail::dict_value(h, "shape", file);
  if (sh.size() < 2 || sh.front() != '(' || sh.back() != ')')
    throw npy_error(file + ": 'shape' must be a tuple, got " + std::string(sh));
  std::int64_t count = 1;
  {
    std::string_view body = sh.substr(1, sh.size() - 2);
    std::size_t p = 0;
    while (p < body.size()) {
      while (p < body.size() && body[p] == ' ') ++p;
      if (p >= body.size()) break;
      std::size_t q = p;
      while (q < body.size() && body[q] >= '0' && body[q] <= '9') ++q;
      if (q == p || q - p > 18)
        throw npy_error(file + ": 'shape' holds a bad extent in " + std::string(sh));
      std::int64_t v = 0;
      for (std::size_t i = p; i < q; ++i) v = v * 10 + (body[i] - '0');
      while (q < body.size() && body[q] == ' ') ++q;
      if (q < body.size() && body[q] != ',')
        throw npy_error(file + ": 'shape' holds a bad extent in " + std::string(sh));
      a.shape.push_back(v);
      if (v != 0 && count > (std::int64_t{1} << 62) / v)
        throw npy_error(file + ": shape " + std::string(sh) + " has too many elements");
      count *= v;
      p = q + 1;
    }
  }
  const std::int64_t data = fsize - start - hlen;
  if (count > data / item || count * item != data) {
    if (count > data / item || count * item > data)
      throw npy_error(file + ": truncated or lying header: shape " + detail::shape_text(a.shape) + " of " +
                      name(a.dtype) + " needs " + (count > data / item ? std::string("more than ") + std::to_string(data) : std::to_string(count * item)) +
                      " data bytes, the file holds " + std::to_string(data));
    throw npy_error(file + ": " + std::to_string(data - count * item) +
                    " unexpected bytes after the data of shape " + detail::shape_text(a.shape));
  }
  std::vector<unsigned char> raw(static_cast<std::size_t>(count * item));
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
  if (!in) throw npy_error(file + ": cannot read the data");
  if (big) {
    for (std::size_t i = 0; i < raw.size(); i += static_cast<std::size_t>(item))
      for (std::int64_t j = 0; j < item / 2; ++j) std::swap(raw[i + j], raw[i + item - 1 - j]);
  }
  // Fortran order: element at C index (i0..ir) lies at sum i_k * prod_{j<k} shape_j
  std::vector<std::int64_t> src(fortran ? static_cast<std::size_t>(count) : 0);
  if (fortran) {
    const std::size_t r = a.shape.size();
    std::vector<std::int64_t> fstride(r, 1), idx(r, 0);
    for (std::size_t k = 1; k < r; ++k) fstride[k] = fstride[k - 1] * a.shape[k - 1];
    for (std::int64_t c = 0; c < count; ++c) {
      std::int64_t off = 0;
      for (std::size_t k = 0; k < r; ++k) off += idx[k] * fstride[k];
      src[static_cast<std::size_t>(c)] = off;
      for (std::size_t k = r; k-- > 0;) {
        if (++idx[k] < a.shape[k]) break;
        idx[k] = 0;
      }
    }
  }
  const auto n = static_cast<std::size_t>(count);
  auto at = [&](std::size_t c) { return raw.data() + (fortran ? src[c] : static_cast<std::int64_t>(c)) * item; };
  switch (a.dtype) {
    case npy_dtype::float16:
      a.f.resize(n);
      for (std::size_t c = 0; c < n; ++c) {
        std::uint16_t v;
        std::memcpy(&v, at(c), 2);
        a.f[c] = detail::half_to_float(v);
      }
      break;
    case npy_dtype::float32:
      a.f.resize(n);
      for (std::size_t c = 0; c < n; ++c) std::memcpy(&a.f[c], at(c), 4);
      break;
    case npy_dtype::float64:
      a.d.resize(n);
      for (std::size_t c = 0; c < n; ++c) std::memcpy(&a.d[c], at(c), 8);
      break;
    case npy_dtype::int32:
      a.d.resize(n);
      for (std::size_t c = 0; c < n; ++c) {
        std::int32_t v;
        std::memcpy(&v, at(c), 4);
        a.d[c] = v;
      }
      break;
    case npy_dtype::int64:
      a.d.resize(n);
      for (std::size_t c = 0; c < n; ++c) {
        std::int64_t v;
        std::memcpy(&v, at(c), 8);
        if (v > (std::int64_t{1} << 53) || v < -(std::int64_t{1} << 53))
          throw npy_error(file + ": int64 value " + std::to_string(v) + " at flat index " +
                          std::to_string(c) + " is not exactly representable as float64");
        a.d[c] = static_cast<double>(v);
      }
      break;
  }
  return a;
}

namespace detail {
template <class T>
inline void write_npy_impl(const std::string& file, const std::vector<std::int64_t>& shape,
                           const T* v, std::int64_t count, const char* descr, bool durable) {
  std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) dict += std::to_string(shape[i]) + ",";
  if (shape.size() > 1) dict.pop_back();
  dict += "), }";
  // numpy pads the header with spaces so that the data starts on a 64-byte boundary
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  const auto hl = static_cast<std::uint16_t>(dict.size());
  const unsigned char pre[10] = {0x93,
                                 'N',
                                 'U',
                                 'M',
                                 'P',
                                 'Y',
                                 1,
                                 0,
                                 static_cast<unsigned char>(hl & 0xff),
                                 static_cast<unsigned char>(hl >> 8)};
  static_assert(std::endian::native == std::endian::little, "writer assumes a little-endian host");
  // complete or absent: a failed write (full disk) leaves the old file, never a truncated one
  try {
    io::write_atomically(
        file,
        [&](std::ostream& out) {
          out.write(reinterpret_cast<const char*>(pre), 10);
          out.write(dict.data(), static_cast<std::streamsize>(dict.size()));
          out.write(reinterpret_cast<const char*>(v),
                    static_cast<std::streamsize>(count * static_cast<std::int64_t>(sizeof(T))));
        },
        durable);
  } catch (const io::write_error& e) {
    throw npy_error(e.what());
  }
}
}  // namespace detail

/// Writes a little-endian float32 .npy (format 1.0, C order), complete or not at all
/// (io::write_atomically; `durable`: on disk before it replaces the old file).
inline void write_npy(const std::string& file, const std::vector<std::int64_t>& shape,
                      const float* v, std::int64_t count, bool durable = true) {
  detail::write_npy_impl(file, shape, v, count, "<f4", durable);
}
/// Writes a little-endian float64 .npy (format 1.0, C order), complete or not at all.
inline void write_npy(const std::string& file, const std::vector<std::int64_t>& shape,
                      const double* v, std::int64_t count, bool durable = true) {
  detail::write_npy_impl(file, shape, v, count, "<f8", durable);
}

}  // namespace tconv::check
