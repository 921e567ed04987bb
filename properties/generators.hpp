#pragma once
// The generators every law (and the exploration engine) draws from: valid problems by
// construction, exact tensors over int64 / cpp_int / cpp_rational, kernels that are not
// symmetric under flipping, and the coverage tags of a drawn case.
//
// Shrinking: a problem is a fixed list of independent raw draws (rank first, then batch,
// channels, then three axes whatever the rank) mapped into valid ranges, so RapidCheck shrinks
// each draw towards its minimum without ever producing an invalid problem or a discard.
#include <rapidcheck.h>

#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "tconv/problem.hpp"
#include "tconv/region.hpp"
#include "tconv/symbolic.hpp"
#include "tconv/tensor.hpp"

namespace tconv {

using big_int = boost::multiprecision::cpp_int;
using rational = boost::multiprecision::cpp_rational;

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

/// Bounds of the drawn problems. The defaults keep exact arithmetic fast (a few ms per case).
struct problem_space {
  std::int64_t max_rank = 3;
  std::int64_t max_extent = 8;  // input extent per axis (see max_input_elements)
  std::int64_t max_kernel = 4;  // kernel extent per axis (see max_kernel_elements)
  std::int64_t max_stride = 4;
  std::int64_t max_dilation = 3;
  std::int64_t max_padding = 6;  // per side, before the map that keeps the output >= 1
  std::int64_t max_channels_per_group = 2;
  std::int64_t max_groups = 3;
  std::int64_t max_batch = 3;
  bool allow_bias = true;
  // per-rank caps: an axis gets at most floor(max^(1/rank)), so rank 3 stays cheap
  std::int64_t max_input_elements = 36;
  std::int64_t max_kernel_elements = 9;
};

/// Uniform integer in [lo, hi] whatever RapidCheck's size, shrinking towards lo.
[[nodiscard]] inline rc::Gen<std::int64_t> uniform(std::int64_t lo, std::int64_t hi) {
  // gen::inRange scales its range with the size; shapes must cover their whole range at
  // every size (value magnitudes still grow with the size)
  return rc::gen::resize(100, rc::gen::inRange<std::int64_t>(lo, hi + 1));
}

/// Largest e >= 1 with e^rank <= budget, capped at cap.
[[nodiscard]] constexpr std::int64_t per_axis_cap(std::int64_t budget, std::int64_t rank,
                                                  std::int64_t cap) {
  std::int64_t e = 1;
  auto fits = [&](std::int64_t v) {
    std::int64_t prod = 1;
    for (std::int64_t r = 0; r < rank; ++r) prod *= v;
    return prod <= budget;
  };
  while (e < cap && fits(e + 1)) ++e;
  return e;
}

namespace detail {

// The raw draws of one axis, mapped into a valid conv_transpose axis (PyTorch's rule).
struct raw_axis {
  std::int64_t input, kernel, stride, dilation, pad_begin, pad_end, output_padding;
  bool symmetric, wide;
};

inline raw_axis draw_axis(const problem_space& s) {
  raw_axis r{};
  r.input = *uniform(1, s.max_extent);
  r.kernel = *uniform(1, s.max_kernel);
  r.stride = *uniform(1, s.max_stride);
  r.dilation = *uniform(1, s.max_dilation);
  r.output_padding = *uniform(0, std::max(s.max_stride, s.max_dilation) - 1);
  r.pad_begin = *uniform(0, s.max_padding);
  r.pad_end = *uniform(0, s.max_padding);
  r.symmetric = *rc::gen::arbitrary<bool>();
  // half the axes pad by 0 or 1 only: uniform pads up to max_padding would crop most outputs
  // down to a few elements
  r.wide = *rc::gen::arbitrary<bool>();
  if (!r.wide) {
    r.pad_begin = std::min<std::int64_t>(r.pad_begin, 1);
    r.pad_end = std::min<std::int64_t>(r.pad_end, 1);
  }
  return r;
}

}  // namespace detail

/// A conv_transpose problem valid under PyTorch's rule by construction (never discarded).
/// Regions: rank 1-3, batch 1-3, groups, gaps (stride > dilated kernel), dilation, asymmetric
/// padding (also beyond the dilated kernel), every output_padding < max(stride, dilation),
/// 1x1 kernels, extent-1 inputs, bias or none.
[[nodiscard]] inline rc::Gen<problem> valid_problem(problem_space s = {}) {
  return rc::gen::exec([s] {
    problem p;
    p.rank = *uniform(1, std::clamp<std::int64_t>(s.max_rank, 1, max_rank));
    p.batch = *uniform(1, s.max_batch);
    p.groups = *uniform(1, s.max_groups);
    p.in_channels = p.groups * *uniform(1, s.max_channels_per_group);
    p.out_channels = p.groups * *uniform(1, s.max_channels_per_group);
    const std::int64_t in_cap = per_axis_cap(s.max_input_elements, p.rank, s.max_extent);
    const std::int64_t k_cap = per_axis_cap(s.max_kernel_elements, p.rank, s.max_kernel);
    for (std::size_t a = 0; a < static_cast<std::size_t>(max_rank); ++a) {
      const auto r = detail::draw_axis(s);  // drawn for every axis: rank shrinks independently
      if (static_cast<std::int64_t>(a) >= p.rank) continue;
      p.input[a] = std::min(r.input, in_cap);
      p.kernel[a] = std::min(r.kernel, k_cap);
      p.stride[a] = r.stride;
      p.dilation[a] = r.dilation;
      p.output_padding[a] = r.output_padding % std::max(r.stride, r.dilation);
      // the uncropped output; padding may remove all of it but one element
      const std::int64_t full = (p.input[a] - 1) * p.stride[a] + p.dilation[a] * (p.kernel[a] - 1) +
                                p.output_padding[a] + 1;
      p.pad_begin[a] = std::min(r.pad_begin, full - 1);
      p.pad_end[a] = std::min(r.symmetric ? r.pad_begin : r.pad_end, full - 1 - p.pad_begin[a]);
    }
    p.has_bias = s.allow_bias && *rc::gen::arbitrary<bool>();
    return p;
  });
}

/// A convolution problem (op_kind::conv) valid by construction: the input is raised, where
/// needed, to the dilated kernel's extent minus the padding, so the output is >= 1.
[[nodiscard]] inline rc::Gen<problem> valid_conv_problem(problem_space s = {}) {
  return rc::gen::exec([s] {
    problem p;
    p.rank = *uniform(1, std::clamp<std::int64_t>(s.max_rank, 1, max_rank));
    p.batch = *uniform(1, s.max_batch);
    p.groups = *uniform(1, s.max_groups);
    p.in_channels = p.groups * *uniform(1, s.max_channels_per_group);
    p.out_channels = p.groups * *uniform(1, s.max_channels_per_group);
    // a convolution's input is its transposed twin's output: allow it the larger extents
    const std::int64_t in_cap =
        per_axis_cap(s.max_input_elements * 8, p.rank, s.max_extent * s.max_stride);
    const std::int64_t k_cap = per_axis_cap(s.max_kernel_elements, p.rank, s.max_kernel);
    for (std::size_t a = 0; a < static_cast<std::size_t>(max_rank); ++a) {
      const auto r = detail::draw_axis(s);
      const std::int64_t raw_input = *uniform(1, s.max_extent * s.max_stride);
      if (static_cast<std::int64_t>(a) >= p.rank) continue;
      p.kernel[a] = std::min(r.kernel, k_cap);
      p.stride[a] = r.stride;
      p.dilation[a] = r.dilation;
      p.pad_begin[a] = r.pad_begin;
      p.pad_end[a] = r.symmetric ? r.pad_begin : r.pad_end;
      const std::int64_t reach = p.dilation[a] * (p.kernel[a] - 1) + 1;
      p.input[a] = std::max(std::min(raw_input, in_cap), reach - p.pad_begin[a] - p.pad_end[a]);
    }
    p.has_bias = s.allow_bias && *rc::gen::arbitrary<bool>();
    return p;
  });
}

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
  for (const region r : all_regions)
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

/// The tags tag_regions can give: every region, then the generator's features.
[[nodiscard]] inline std::vector<std::string> all_tags() {
  std::vector<std::string> t;
  for (const region r : all_regions) t.emplace_back(name(r));
  for (const char* f :
       {"padding_beyond_kernel", "extent1_input", "kernel1_axis", "max_output_padding", "batch>1"})
    t.emplace_back(f);
  return t;
}

}  // namespace tconv::gen
