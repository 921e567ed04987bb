#pragma once
// Problems, shapes and indices as text: the forms every report, counterexample and message uses.
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tconv/detail/checked.hpp"
#include "tconv/problem.hpp"

namespace tconv {

/// "rank=2 N=1 C_in=2 C_out=4 g=2 in=[3,1] k=[2,1] s=[3,1] d=[1,2] pb=[1,0] pe=[0,0] op=[2,0]
/// bias=1"
inline std::ostream& operator<<(std::ostream& os, const problem& p) {
  auto list = [&](const char* name, const extents& e) {
    os << ' ' << name << "=[";
    for (std::int64_t a = 0; a < p.rank; ++a)
      os << (a ? "," : "") << e[static_cast<std::size_t>(a)];
    os << ']';
  };
  os << "rank=" << p.rank << " N=" << p.batch << " C_in=" << p.in_channels
     << " C_out=" << p.out_channels << " g=" << p.groups;
  list("in", p.input);
  list("k", p.kernel);
  list("s", p.stride);
  list("d", p.dilation);
  list("pb", p.pad_begin);
  list("pe", p.pad_end);
  list("op", p.output_padding);
  return os << " bias=" << (p.has_bias ? 1 : 0);
}

/// to_string(p) == the text operator<< writes
[[nodiscard]] inline std::string to_string(const problem& p) {
  std::ostringstream s;
  s << p;
  return s.str();
}

/// open + v[0] + sep + v[1] + ... + close: "[2, 3, 4]" by default, as the core's messages write
/// shapes; a seed table's "(2,3)" is shape_text(v, ",", "(", ")").
template <class R>
[[nodiscard]] constexpr std::string shape_text(const R& v, std::string_view sep = ", ",
                                               std::string_view open = "[",
                                               std::string_view close = "]") {
  return detail::to_string(v, sep, open, close);
}

/// Row-major position of index in shape: ((i0 * s1 + i1) * s2 + i2) ...
[[nodiscard]] constexpr std::int64_t flat_index(const std::vector<std::int64_t>& shape,
                                                const std::vector<std::int64_t>& index) {
  std::int64_t flat = 0;
  for (std::size_t i = 0; i < index.size() && i < shape.size(); ++i)
    flat = flat * shape[i] + index[i];
  return flat;
}

/// s for XML or HTML text and attributes: & < > " as &amp; &lt; &gt; &quot;, and ' as &apos;
/// unless `apostrophe` is false (HTML attributes here are double-quoted).
[[nodiscard]] constexpr std::string escape_markup(std::string_view s, bool apostrophe = true) {
  std::string r;
  for (const char c : s) {
    if (c == '&')
      r += "&amp;";
    else if (c == '<')
      r += "&lt;";
    else if (c == '>')
      r += "&gt;";
    else if (c == '"')
      r += "&quot;";
    else if (c == '\'' && apostrophe)
      r += "&apos;";
    else
      r += c;
  }
  return r;
}

}  // namespace tconv
