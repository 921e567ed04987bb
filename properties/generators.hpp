#pragma once
// The generators the laws draw from: valid problems (lib/harness/generate.hpp, shared with the
// exploration engine), exact tensors over int64 / cpp_int / cpp_rational, kernels that are not
// symmetric under flipping, and the coverage tags of a drawn case.
#include <rapidcheck.h>

#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "harness/generate.hpp"
#include "tconv/problem.hpp"
#include "tconv/region.hpp"
#include "tconv/symbolic.hpp"
#include "tconv/tensor.hpp"
#include "tconv/text.hpp"

namespace tconv {

using big_int = boost::multiprecision::cpp_int;
using rational = boost::multiprecision::cpp_rational;

/// "x3*w5 + 2*w7": a bilinear form, term by term (x_i, w_j are the symbols' indices).
inline std::ostream& operator<<(std::ostream& os, const bilinear& v) {
  if (v.terms.empty()) return os << '0';
  for (std::size_t i = 0; i < v.terms.size(); ++i) {
    const auto& t = v.terms[i];
    os << (i ? " + " : "");
    if (t.c != 1 || (t.x < 0 && t.w < 0)) os << t.c << (t.x >= 0 || t.w >= 0 ? "*" : "");
    if (t.x >= 0) os << 'x' << t.x << (t.w >= 0 ? "*" : "");
    if (t.w >= 0) os << 'w' << t.w;
  }
  return os;
}

/// RapidCheck's printer for counterexamples.
inline void showValue(const problem& p, std::ostream& os) { os << p; }

/// "shape [2,3] values {1, -2/3, ...}" (RapidCheck's printer for counterexamples).
template <class T>
void showValue(const tensor<T>& t, std::ostream& os) {
  os << "shape " << detail::to_string(t.shape) << " values {";
  for (std::size_t i = 0; i < t.data.size(); ++i) os << (i ? ", " : "") << t.data[i];
  os << '}';
}

}  // namespace tconv

namespace tconv::gen {

/// The exact scalar types the laws run over.
enum class scalar_kind { int64, big_int, rational };

[[nodiscard]] inline std::string name(scalar_kind k) {
  if (k == scalar_kind::int64) return "int64";
  if (k == scalar_kind::big_int) return "cpp_int";
  return "cpp_rational";
}

/// int64 half the time (fast), cpp_int and cpp_rational a quarter each; shrinks to int64.
[[nodiscard]] inline rc::Gen<scalar_kind> scalar() {
  return rc::gen::map(uniform(0, 3), [](std::int64_t v) {
    if (v == 2) return scalar_kind::big_int;
    if (v == 3) return scalar_kind::rational;
    return scalar_kind::int64;
  });
}

/// RapidCheck's printer for counterexamples.
inline void showValue(scalar_kind k, std::ostream& os) { os << name(k); }

/// Calls f(std::type_identity<T>{}) with the scalar type named by k.
template <class F>
decltype(auto) with_scalar(scalar_kind k, F&& f) {
  if (k == scalar_kind::big_int) return f(std::type_identity<big_int>{});
  if (k == scalar_kind::rational) return f(std::type_identity<rational>{});
  return f(std::type_identity<std::int64_t>{});
}

/// One exact scalar: int64 within int16 (sums of products stay far inside int64); cpp_int
/// a * 2^e + c with e up to 130 (beyond 2^53 and 2^64, either sign, zero); cpp_rational a
/// cpp_int over a denominator in [1, 12]. Magnitudes grow with RapidCheck's size; all shrink to 0.
template <class T>
[[nodiscard]] rc::Gen<T> exact_scalar() {
  if constexpr (std::is_same_v<T, std::int64_t>) {
    return rc::gen::cast<std::int64_t>(rc::gen::arbitrary<std::int16_t>());
  } else if constexpr (std::is_same_v<T, big_int>) {
    return rc::gen::exec([] {
      const big_int high = *rc::gen::arbitrary<std::int32_t>();
      const auto shift = static_cast<unsigned>(*uniform(0, 130));
      const big_int low = *rc::gen::arbitrary<std::int16_t>();
      return big_int((high << shift) + low);
    });
  } else {
    static_assert(std::is_same_v<T, rational>, "exact_scalar: int64, cpp_int or cpp_rational");
    return rc::gen::exec([] {
      const big_int num = *exact_scalar<big_int>();
      const std::int64_t den = *uniform(1, 12);
      return rational(num, big_int(den));
    });
  }
}

/// A tensor of the given shape with independent exact values (each shrinks on its own).
template <class T>
[[nodiscard]] rc::Gen<tensor<T>> exact_tensor(std::vector<std::int64_t> shape) {
  const auto n = static_cast<std::size_t>(checked_size(shape, "exact_tensor"));
  return rc::gen::map(rc::gen::container<std::vector<T>>(n, exact_scalar<T>()),
                      [shape](std::vector<T> v) { return tensor<T>(shape, std::move(v)); });
}

/// A weight tensor whose entries are pairwise distinct, so that it differs from its own flip
/// along any axis with kernel > 1 (an all-ones kernel hides a missing flip): entry i is
/// v_i * M + i (M > the entry count; int64: v_i within int8), plus a fraction in [0, 1) for
/// cpp_rational. Shrinks to 0, 1, 2, ...: a readable ramp.
template <class T>
[[nodiscard]] rc::Gen<tensor<T>> asymmetric_kernel(std::vector<std::int64_t> shape) {
  const auto n = static_cast<std::size_t>(checked_size(shape, "asymmetric_kernel"));
  const auto m = static_cast<std::int64_t>(n) + 1;
  if constexpr (std::is_same_v<T, std::int64_t>) {
    return rc::gen::map(
        rc::gen::container<std::vector<std::int8_t>>(n, rc::gen::arbitrary<std::int8_t>()),
        [shape, m](const std::vector<std::int8_t>& v) {
          tensor<T> t(shape);
          for (std::int64_t i = 0; i < t.size(); ++i)
            t[i] = std::int64_t{v[static_cast<std::size_t>(i)]} * m + i;
          return t;
        });
  } else if constexpr (std::is_same_v<T, big_int>) {
    return rc::gen::map(exact_tensor<big_int>(shape), [m](tensor<big_int> t) {
      for (std::int64_t i = 0; i < t.size(); ++i) t[i] = t[i] * m + i;
      return t;
    });
  } else {
    static_assert(std::is_same_v<T, rational>, "asymmetric_kernel: int64, cpp_int or cpp_rational");
    // floor(entry) = v_i * M + i are distinct, so the entries are
    const auto fraction = rc::gen::exec([] {
      const std::int64_t den = *uniform(1, 12);
      return rational(big_int(*uniform(0, den - 1)), big_int(den));
    });
    return rc::gen::exec([shape, n, m, fraction] {
      auto t = *exact_tensor<big_int>(shape);
      const auto f = *rc::gen::container<std::vector<rational>>(n, fraction);
      tensor<rational> r(shape);
      for (std::int64_t i = 0; i < t.size(); ++i)
        r[i] = rational(t[i] * m + i) + f[static_cast<std::size_t>(i)];
      return r;
    });
  }
}

/// Tags a case with every region (include/tconv/region.hpp) it lies in, plus the generator's
/// own features, so that each law reports its coverage.
inline void tag_regions(const problem& p) {
  for (const region r : coverage_regions)
    if (in_region(p, r)) RC_TAG(std::string(name(r)));
  bool beyond = false, extent1 = false, kernel1 = false, top_op = false;
  for (std::size_t a = 0; a < static_cast<std::size_t>(p.rank); ++a) {
    const std::int64_t reach = p.dilation[a] * (p.kernel[a] - 1) + 1;
    beyond = beyond || p.pad_begin[a] >= reach || p.pad_end[a] >= reach;
    extent1 = extent1 || p.input[a] == 1;
    kernel1 = kernel1 || p.kernel[a] == 1;
    top_op = top_op || (p.output_padding[a] > 0 &&
                        p.output_padding[a] == std::max(p.stride[a], p.dilation[a]) - 1);
  }
  if (beyond) RC_TAG(std::string("padding_beyond_kernel"));
  if (extent1) RC_TAG(std::string("extent1_input"));
  if (kernel1) RC_TAG(std::string("kernel1_axis"));
  if (top_op) RC_TAG(std::string("max_output_padding"));
  if (p.batch > 1) RC_TAG(std::string("batch>1"));
}

/// The tags tag_regions can give: every coverage region, then the generator's features.
[[nodiscard]] inline std::vector<std::string> all_tags() {
  std::vector<std::string> t;
  for (const region r : coverage_regions) t.emplace_back(name(r));
  for (const char* f :
       {"padding_beyond_kernel", "extent1_input", "kernel1_axis", "max_output_padding", "batch>1"})
    t.emplace_back(f);
  return t;
}

/// The tags a law's default space (problem_space{}) must hit: all_tags() but the SIMD block
/// regions, which only explore_space() reaches.
[[nodiscard]] inline std::vector<std::string> law_tags() {
  std::vector<std::string> t;
  for (auto& tag : all_tags())
    if (tag != name(region::channel_block_tail) && tag != name(region::wide_rows)) t.push_back(tag);
  return t;
}

}  // namespace tconv::gen
