#pragma once
// NumPy .npy files (format versions 1.0, 2.0, 3.0): float16/32/64 and int32/64, either byte
// order, C or Fortran order (Fortran data is transposed into C order on reading).
// Reading never trusts the header: the claimed size is compared with the file's size before any
// allocation, so a lying or truncated file ends in npy_error, never in a huge allocation.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#if defined(__linux__)
#include <unistd.h>
#endif

#include "tconv/check/huge_pages.hpp"
#include "tconv/detail/checked.hpp"
#include "tconv/io/atomic_file.hpp"

namespace tconv::check {

/// The error every .npy problem throws; its message starts with the file name.
struct npy_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A consistent .npy holding more values than the reader's limit, refused before its data is
/// read; `shape` is the header's, for a caller that judges the shape itself.
struct npy_too_large : npy_error {
  npy_too_large(const std::string& what, std::vector<std::int64_t> s)
      : npy_error(what), shape(std::move(s)) {}
  std::vector<std::int64_t> shape;
};

/// The element types a .npy file may hold here.
enum class npy_dtype { float16, float32, float64, int32, int64 };

/// "float16", "float32", "float64", "int32" or "int64".
[[nodiscard]] inline const char* name(npy_dtype t) {
  switch (t) {
    case npy_dtype::float16:
      return "float16";
    case npy_dtype::float32:
      return "float32";
    case npy_dtype::float64:
      return "float64";
    case npy_dtype::int32:
      return "int32";
    case npy_dtype::int64:
      return "int64";
  }
  return "?";
}

/// A loaded array. float16/float32 data are held (exactly) as float, the others as double.
struct npy_array {
  npy_dtype dtype = npy_dtype::float32;
  std::vector<std::int64_t> shape;
  std::vector<float> f;   // float16, float32
  std::vector<double> d;  // float64, int32, int64 (ints only when exact in double)
  // read_npy_direct only: the float32 values read straight into whole 2 MiB pages (f is empty)
  std::shared_ptr<const scratch_buffer<float>> storage;
  const float* direct = nullptr;
  std::int64_t direct_count = 0;
  /// True for float16 and float32 (held in f, or read directly).
  [[nodiscard]] bool is_float() const {
    return dtype == npy_dtype::float16 || dtype == npy_dtype::float32;
  }
  /// The float values (float16 and float32), wherever they are held.
  [[nodiscard]] const float* floats() const { return direct != nullptr ? direct : f.data(); }
  /// The number of values.
  [[nodiscard]] std::int64_t size() const {
    if (direct != nullptr) return direct_count;
    return static_cast<std::int64_t>(is_float() ? f.size() : d.size());
  }
  /// The values as double (exact: every held value is a double).
  [[nodiscard]] std::vector<double> as_double() const {
    if (!is_float()) return d;
    return std::vector<double>(floats(), floats() + size());
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

// The value of `key` in the header dict: the text after "'key':" up to the next top-level ','/'}'.
inline std::string_view dict_value(std::string_view h, std::string_view key,
                                   const std::string& file) {
  std::string k1 = "'" + std::string(key) + "'", k2 = "\"" + std::string(key) + "\"";
  auto pos = h.find(k1);
  std::size_t klen = k1.size();
  if (pos == std::string_view::npos) pos = h.find(k2);
  if (pos == std::string_view::npos)
    throw npy_error(file + ": header has no '" + std::string(key) + "' entry");
  auto p = pos + klen;
  while (p < h.size() && (h[p] == ' ')) ++p;
  if (p >= h.size() || h[p] != ':')
    throw npy_error(file + ": malformed header near '" + std::string(key) + "'");
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

/// The most values one array may hold (2^28, the largest tensor a layer may have): checked on the
/// header, before any data is read or allocated.
inline constexpr std::int64_t max_npy_elements = std::int64_t{1} << 28;

namespace detail {

// The parsed header: dtype, order, shape, and where the data starts.
struct npy_header {
  npy_dtype dtype = npy_dtype::float32;
  bool big = false, fortran = false;
  std::int64_t item = 4, count = 1, data_offset = 0;
  std::vector<std::int64_t> shape;
};

// A key may appear once: NumPy's literal_eval would silently take the last of two.
inline void refuse_duplicate_key(std::string_view h, const std::string& key,
                                 const std::string& file) {
  int seen = 0;
  for (const std::string& k : {"'" + key + "'", "\"" + key + "\""})
    for (auto p = h.find(k); p != std::string_view::npos; p = h.find(k, p + 1)) {
      auto q = p + k.size();
      while (q < h.size() && h[q] == ' ') ++q;
      if (q < h.size() && h[q] == ':') ++seen;
    }
  if (seen > 1)
    throw npy_error(file + ": header has the key '" + key + "' " + std::to_string(seen) +
                    " times (it must appear once)");
}

// The dtype of descr ('<f4', ...): names the kind (bool, uint8, complex64, ...) of an unsupported
// one.
inline void parse_descr(std::string_view descr, npy_header& hd, const std::string& file) {
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"') ||
      descr.back() != descr.front())
    throw npy_error(file + ": 'descr' must be a quoted dtype string, got " + std::string(descr));
  const std::string dt(descr.substr(1, descr.size() - 2));
  const std::string need = " (need float16/32/64 or int32/64)";
  if (dt.size() < 3) throw npy_error(file + ": unsupported dtype '" + dt + "'" + need);
  const char order = dt[0];
  const std::string t = dt.substr(1);
  if (t == "f2")
    hd.dtype = npy_dtype::float16, hd.item = 2;
  else if (t == "f4")
    hd.dtype = npy_dtype::float32, hd.item = 4;
  else if (t == "f8")
    hd.dtype = npy_dtype::float64, hd.item = 8;
  else if (t == "i4")
    hd.dtype = npy_dtype::int32, hd.item = 4;
  else if (t == "i8")
    hd.dtype = npy_dtype::int64, hd.item = 8;
  else {
    const char kind = t[0];
    // the item size names the width only when it is a short number ('u1', 'c16'); a long one
    // would overflow (found by fuzz_npy_check)
    const std::string size = t.substr(1);
    const bool short_size = !size.empty() && size.size() <= 2 &&
                            size.find_first_not_of("0123456789") == std::string::npos;
    const std::string bits = short_size ? std::to_string(std::stoi(size) * 8) : "";
    std::string what = kind == 'b'   ? "bool"
                       : kind == 'u' ? "uint" + bits
                       : kind == 'i' ? "int" + bits
                       : kind == 'c' ? "complex" + bits
                       : kind == 'f' ? "float" + bits
                                     : "";
    throw npy_error(file + ": unsupported dtype '" + dt + "'" +
                    (what.empty() ? "" : " (" + what + ")") + need);
  }
  if (order == '>')
    hd.big = true;
  else if (order != '<' && order != '=')
    throw npy_error(file + ": unsupported byte order '" + std::string(1, order) + "' in dtype '" +
                    dt + "'");
}

// The shape tuple and its element count (overflow-checked).
inline void parse_shape(std::string_view sh, npy_header& hd, const std::string& file) {
  if (sh.size() < 2 || sh.front() != '(' || sh.back() != ')')
    throw npy_error(file + ": 'shape' must be a tuple, got " + std::string(sh));
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
    hd.shape.push_back(v);
    if (v != 0 && hd.count > (std::int64_t{1} << 62) / v)
      throw npy_error(file + ": shape " + std::string(sh) + " has too many elements");
    hd.count *= v;
    p = q + 1;
  }
}

// The preamble: magic string, version and header length. Returns where the header starts.
struct npy_preamble {
  std::int64_t start = 10, header_bytes = 0;
};
inline npy_preamble read_preamble(std::FILE* in, std::int64_t fsize, const std::string& file) {
  unsigned char pre[12] = {};
  if (fsize < 10)
    throw npy_error(file + ": too short to be a .npy file (" + std::to_string(fsize) + " bytes)");
  if (std::fread(pre, 1, 10, in) != 10) throw npy_error(file + ": cannot read the header");
  if (std::memcmp(pre, "\x93NUMPY", 6) != 0)
    throw npy_error(file + ": not a .npy file (bad magic string)");
  const int major = pre[6], minor = pre[7];
  if (major < 1 || major > 3 || minor != 0)
    throw npy_error(file + ": unsupported .npy format version " + std::to_string(major) + "." +
                    std::to_string(minor) + " (1.0, 2.0 and 3.0 are supported)");
  npy_preamble p;
  p.header_bytes = pre[8] | (pre[9] << 8);
  if (major > 1) {
    if (fsize < 12 || std::fread(pre + 10, 1, 2, in) != 2)
      throw npy_error(file + ": truncated header");
    p.header_bytes |=
        (static_cast<std::int64_t>(pre[10]) << 16) | (static_cast<std::int64_t>(pre[11]) << 24);
    p.start = 12;
  }
  if (p.header_bytes > fsize - p.start)
    throw npy_error(file + ": truncated header (it claims " + std::to_string(p.header_bytes) +
                    " bytes, the file has " + std::to_string(fsize - p.start) +
                    " after the preamble)");
  return p;
}

// The header dictionary's text (hlen bytes): no NUL byte, braces present.
inline std::string read_dict(std::FILE* in, std::int64_t hlen, const std::string& file) {
  std::string header(static_cast<std::size_t>(hlen), '\0');
  if (std::fread(header.data(), 1, header.size(), in) != header.size())
    throw npy_error(file + ": cannot read the header");
  if (header.find('\0') != std::string::npos)
    throw npy_error(file + ": header contains a NUL byte");
  if (header.find('{') == std::string::npos || header.find('}') == std::string::npos)
    throw npy_error(file + ": header is not a dictionary");
  return header;
}

// The data size the header claims against the `data` bytes the file holds, and the element cap.
inline void check_data_size(const npy_header& hd, std::int64_t data, std::int64_t max_elements,
                            const std::string& file) {
  const std::int64_t item = hd.item, count = hd.count;
  if (count > data / item || count * item > data)
    throw npy_error(
        file + ": truncated or lying header: shape " + tconv::detail::to_string(hd.shape) + " of " +
        name(hd.dtype) + " needs " +
        (count > data / item ? "more than " + std::to_string(data) : std::to_string(count * item)) +
        " data bytes, the file holds " + std::to_string(data));
  if (count * item != data)
    throw npy_error(file + ": " + std::to_string(data - count * item) +
                    " unexpected bytes after the data of shape " +
                    tconv::detail::to_string(hd.shape));
  // a consistent but huge (say sparse) file is refused here, before its data is read
  if (count > max_elements)
    throw npy_too_large(
        file + ": shape " + tconv::detail::to_string(hd.shape) + " holds " + std::to_string(count) +
            " values, more than the " + std::to_string(max_elements) +
            (max_elements == max_npy_elements ? std::string(" a tensor may have (2^28)")
                                              : std::string(" expected")) +
            "; refused before reading its data",
        hd.shape);
}

// Reads and checks the preamble and the header; every size is checked against the file's size.
inline npy_header read_header(std::FILE* in, std::int64_t fsize, std::int64_t max_elements,
                              const std::string& file) {
  const npy_preamble pre = read_preamble(in, fsize, file);
  const std::string header = read_dict(in, pre.header_bytes, file);
  const std::string_view h = header;
  npy_header hd;
  for (const char* key : {"descr", "fortran_order", "shape"}) refuse_duplicate_key(h, key, file);
  parse_descr(dict_value(h, "descr", file), hd, file);
  const auto fo = dict_value(h, "fortran_order", file);
  if (fo == "True")
    hd.fortran = true;
  else if (fo != "False")
    throw npy_error(file + ": 'fortran_order' must be True or False, got " + std::string(fo));
  parse_shape(dict_value(h, "shape", file), hd, file);
  hd.data_offset = pre.start + pre.header_bytes;
  check_data_size(hd, fsize - hd.data_offset, max_elements, file);
  return hd;
}

// Reads exactly `bytes` bytes into dst.
inline void read_exact(std::FILE* in, void* dst, std::int64_t bytes, const std::string& file) {
  if (bytes > 0 &&
      std::fread(dst, 1, static_cast<std::size_t>(bytes), in) != static_cast<std::size_t>(bytes))
    throw npy_error(file + ": cannot read the data");
}

// Element c (C order) of raw data stored in Fortran order, visited in C order without an index
// table.
template <class F>
void for_each_c_order(const std::vector<std::int64_t>& shape, bool fortran, std::int64_t count,
                      F&& f) {
  if (!fortran || shape.size() < 2) {
    for (std::int64_t c = 0; c < count; ++c) f(c, c);
    return;
  }
  const std::size_t r = shape.size();
  std::vector<std::int64_t> fstride(r, 1), idx(r, 0);
  for (std::size_t k = 1; k < r; ++k) fstride[k] = fstride[k - 1] * shape[k - 1];
  std::int64_t off = 0;  // sum idx[k] * fstride[k]
  for (std::int64_t c = 0; c < count; ++c) {
    f(c, off);
    for (std::size_t k = r; k-- > 0;) {
      if (++idx[k] < shape[k]) {
        off += fstride[k];
        break;
      }
      off -= (shape[k] - 1) * fstride[k];
      idx[k] = 0;
    }
  }
}

// The value of element `src` of raw (file byte order) data as T.
template <class T>
T load_element(const unsigned char* raw, std::int64_t src, const npy_header& hd,
               const std::string& file) {
  unsigned char b[8];
  std::memcpy(b, raw + src * hd.item, static_cast<std::size_t>(hd.item));
  if (hd.big) std::reverse(b, b + hd.item);
  switch (hd.dtype) {
    case npy_dtype::float16: {
      std::uint16_t v;
      std::memcpy(&v, b, 2);
      return static_cast<T>(half_to_float(v));
    }
    case npy_dtype::float32: {
      float v;
      std::memcpy(&v, b, 4);
      return static_cast<T>(v);
    }
    case npy_dtype::float64: {
      double v;
      std::memcpy(&v, b, 8);
      return static_cast<T>(v);
    }
    case npy_dtype::int32: {
      std::int32_t v;
      std::memcpy(&v, b, 4);
      return static_cast<T>(v);
    }
    case npy_dtype::int64: {
      std::int64_t v;
      std::memcpy(&v, b, 8);
      if (v > (std::int64_t{1} << 53) || v < -(std::int64_t{1} << 53))
        throw npy_error(file + ": int64 value " + std::to_string(v) + " at flat index " +
                        std::to_string(src) + " is not exactly representable as float64");
      return static_cast<T>(v);
    }
  }
  return T{};
}

// Reads the data into dst (count values of T, C order): straight into dst when the file holds T in
// native byte order and C order (no per-element work), else through one raw buffer.
template <class T>
void read_values(std::FILE* in, const npy_header& hd, std::vector<T>& dst,
                 const std::string& file) {
  const auto n = static_cast<std::size_t>(hd.count);
  resize_on_huge_pages(dst, n);
  const bool native = hd.item == static_cast<std::int64_t>(sizeof(T)) && !hd.big &&
                      (hd.dtype == npy_dtype::float32 || hd.dtype == npy_dtype::float64);
  static_assert(std::endian::native == std::endian::little,
                "the reader assumes a little-endian host");
  if (native && (!hd.fortran || hd.shape.size() < 2)) {
    read_exact(in, dst.data(), hd.count * hd.item, file);
    return;
  }
  std::vector<unsigned char> raw(static_cast<std::size_t>(hd.count * hd.item));
  read_exact(in, raw.data(), hd.count * hd.item, file);
  for_each_c_order(hd.shape, hd.fortran, hd.count, [&](std::int64_t c, std::int64_t src) {
    dst[static_cast<std::size_t>(c)] = load_element<T>(raw.data(), src, hd, file);
  });
}

struct file_closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// The size of `file`; throws npy_error when it is not a regular file or cannot be read.
inline std::int64_t regular_file_size(const std::string& file) {
  std::error_code ec;
  const auto st = std::filesystem::status(file, ec);
  if (!ec && st.type() != std::filesystem::file_type::regular)
    throw npy_error(file + ": cannot open (it is " +
                    (st.type() == std::filesystem::file_type::directory ? std::string("a directory")
                     : st.type() == std::filesystem::file_type::fifo
                         ? std::string("a FIFO (named pipe)")
                         : std::string("not a regular file")) +
                    ")");
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw npy_error(file + ": cannot open (" + ec.message() + ")");
  return static_cast<std::int64_t>(size);
}

}  // namespace detail

/// Reads a .npy file holding at most max_elements values. Throws npy_error naming the file and what
/// is wrong; every size is checked on the header, before any data is read or allocated.
[[nodiscard]] inline npy_array read_npy(const std::string& file,
                                        std::int64_t max_elements = max_npy_elements) {
  const std::int64_t fsize = detail::regular_file_size(file);
  const std::unique_ptr<std::FILE, detail::file_closer> in(std::fopen(file.c_str(), "rb"));
  if (!in) throw npy_error(file + ": cannot open for reading");
  const detail::npy_header hd = detail::read_header(in.get(), fsize, max_elements, file);
  npy_array a;
  a.dtype = hd.dtype;
  a.shape = hd.shape;
  if (a.is_float())
    detail::read_values(in.get(), hd, a.f, file);
  else
    detail::read_values(in.get(), hd, a.d, file);
  return a;
}

namespace detail {
// count float32 values at byte `offset` of the open file, read straight into whole 2 MiB pages
// (scratch_buffer): no per-element work, and no 4 KiB page touched for the first time later (on
// the VMs tconv runs on that costs about 10 us a page, even for a populated mapping of the file:
// reading is about twice as fast as mapping, docs/performance.md). Null when the file ends early.
inline std::shared_ptr<const scratch_buffer<float>> read_floats(std::FILE* in, std::int64_t offset,
                                                                std::int64_t count) {
#if defined(__linux__)
  auto buf = std::make_shared<scratch_buffer<float>>(static_cast<std::size_t>(count));
  auto* dst = reinterpret_cast<unsigned char*>(buf->data());
  const std::int64_t bytes = count * 4;
  for (std::int64_t done = 0; done < bytes;) {
    const ::ssize_t k = ::pread(::fileno(in), dst + done, static_cast<std::size_t>(bytes - done),
                                static_cast<::off_t>(offset + done));
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return nullptr;
    done += k;
  }
  return buf;
#else
  (void)in, (void)offset, (void)count;
  return nullptr;
#endif
}
}  // namespace detail

/// read_npy, with native little-endian C-order float32 data read straight into whole 2 MiB pages
/// as the file's bytes (the header checked as read_npy checks it; any other data, or a file that
/// ends early, is read by read_npy, which says what is wrong). The values are then `floats()`, `f`
/// is empty.
[[nodiscard]] inline npy_array read_npy_direct(const std::string& file,
                                               std::int64_t max_elements = max_npy_elements) {
  const std::int64_t fsize = detail::regular_file_size(file);
  const std::unique_ptr<std::FILE, detail::file_closer> in(std::fopen(file.c_str(), "rb"));
  if (!in) throw npy_error(file + ": cannot open for reading");
  const detail::npy_header hd = detail::read_header(in.get(), fsize, max_elements, file);
  const bool native = hd.dtype == npy_dtype::float32 && hd.item == 4 && !hd.big &&
                      (!hd.fortran || hd.shape.size() < 2) && hd.count > 0;
  if (native) {
    if (auto v = detail::read_floats(in.get(), hd.data_offset, hd.count)) {
      npy_array a;
      a.dtype = hd.dtype, a.shape = hd.shape, a.direct_count = hd.count;
      a.direct = v->data();
      a.storage = std::move(v);
      return a;
    }
  }
  return read_npy(file, max_elements);
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
