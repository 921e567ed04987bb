#pragma once
// The laws, each a RapidCheck property factory. A law that is about "a transposed convolution"
// takes that formulation as a parameter (`candidate`): the suite passes the core's, the teeth
// test passes deliberately broken ones and expects a shrunk counterexample.
// A formulation is callable as f(problem, x, w, const tensor<T>* bias) for every exact T.
#include <rapidcheck.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "generators.hpp"
#include "tconv/tconv.hpp"
#include "tensor_ops.hpp"

namespace tconv::laws {

// ---- the core's formulations, as callables -------------------------------------------------
inline constexpr auto scatter = [](const problem& p, const auto& x, const auto& w, const auto* b) {
  return tconv::conv_transpose(p, x, w, b);
};
inline constexpr auto gather = [](const problem& p, const auto& x, const auto& w, const auto* b) {
  return tconv::conv_transpose_gather(p, x, w, b);
};
inline constexpr auto zero_insertion = [](const problem& p, const auto& x, const auto& w,
                                          const auto* b) {
  return tconv::conv_transpose_zero_insertion(p, x, w, b);
};
inline constexpr auto via_matrix = [](const problem& p, const auto& x, const auto& w,
                                      const auto* b) {
  return tconv::conv_transpose_via_matrix(p, x, w, b);
};

/// The problem of the case under evaluation (the teeth test reads it to report the shrunk one).
inline problem& current_problem() {
  static problem p;
  return p;
}

/// Draws a problem, records it and tags its regions.
[[nodiscard]] inline problem draw(const rc::Gen<problem>& g) {
  const problem p = *g;
  current_problem() = p;
  gen::tag_regions(p);
  return p;
}

/// Draws the scalar type of the case and tags it.
[[nodiscard]] inline gen::scalar_kind draw_scalar() {
  const auto k = *gen::scalar();
  RC_TAG(gen::name(k));
  return k;
}

/// x, an asymmetric w and (when p has one) b for transposed convolution p.
template <class T>
struct operands {
  tensor<T> x, w, b;
  bool has_bias = false;
  [[nodiscard]] const tensor<T>* bias() const { return has_bias ? &b : nullptr; }
};

template <class T>
[[nodiscard]] operands<T> draw_operands(const problem& p, op_kind op = op_kind::conv_transpose) {
  operands<T> o;
  o.x = *gen::exact_tensor<T>(input_shape(p));
  o.w = *gen::asymmetric_kernel<T>(weight_shape(p, op));
  o.has_bias = p.has_bias;
  if (p.has_bias) o.b = *gen::exact_tensor<T>(bias_shape(p));
  return o;
}

/// The tags a law must hit: all of gen::law_tags() except `excluded`, plus `extra`.
[[nodiscard]] inline std::vector<std::string> required(std::vector<std::string> excluded = {},
                                                       std::vector<std::string> extra = {}) {
  std::vector<std::string> r;
  for (auto& t : gen::law_tags())
    if (std::find(excluded.begin(), excluded.end(), t) == excluded.end()) r.push_back(t);
  r.insert(r.end(), extra.begin(), extra.end());
  return r;
}

// Dense W is built only below this many entries (cpp_rational W of a rank-3 case is too big).
inline constexpr std::int64_t dense_limit = 40000;

template <class T>
[[nodiscard]] tensor<T> add_bias(tensor<T> y, const tensor<T>* b) {
  if (b == nullptr) return y;
  const std::int64_t c = y.shape[1], spatial = y.size() / (y.shape[0] * c);
  for (std::int64_t f = 0; f < y.size(); ++f) y[f] += (*b)[(f / spatial) % c];
  return y;
}

// ---- law 1: scatter == Wᵀ y ----------------------------------------------------------------
/// candidate(x, w) + b == Wᵀ x_n + b per sample, W sparse (conv_transpose_via_matrix) and, on
/// small cases, dense (conv_transpose_matrix_dense, multiply_transposed).
template <class F>
[[nodiscard]] auto matrix_transposed(F candidate) {
  return [candidate] {
    const problem p = draw(gen::valid_problem());
    gen::with_scalar(draw_scalar(), [&]<class T>(std::type_identity<T>) {
      const auto o = draw_operands<T>(p);
      const tensor<T> y = candidate(p, o.x, o.w, o.bias());
      RC_ASSERT(y == tconv::conv_transpose_via_matrix(p, o.x, o.w, o.bias()));
      const std::int64_t rows = checked_size(input_shape(p), "x") / p.batch;
      const std::int64_t cols =
          checked_size(output_shape(p, op_kind::conv_transpose), "y") / p.batch;
      if (rows * cols > dense_limit) return;
      RC_TAG(std::string("dense"));
      const auto m = tconv::conv_transpose_matrix_dense(p, o.w);
      RC_ASSERT(m.rows == rows && m.cols == cols);
      std::vector<tensor<T>> samples;
      for (std::int64_t n = 0; n < p.batch; ++n) {
        const auto xn = ops::slice(o.x, 0, n, 1);
        auto yshape = output_shape(p, op_kind::conv_transpose);
        yshape[0] = 1;
        samples.emplace_back(yshape, multiply_transposed(m, xn.data));
      }
      RC_ASSERT(y == add_bias(ops::concat(samples, 0), o.bias()));
    });
  };
}

// ---- law 2: conv == W x --------------------------------------------------------------------
/// conv(x, w) + b == W x_n + b per sample, W sparse (conv_via_matrix) and, on small cases, dense.
[[nodiscard]] inline auto conv_matrix() {
  return [] {
    const problem p = draw(gen::valid_conv_problem());
    gen::with_scalar(draw_scalar(), [&]<class T>(std::type_identity<T>) {
      const auto o = draw_operands<T>(p, op_kind::conv);
      const tensor<T> y = tconv::conv(p, o.x, o.w, o.bias());
      RC_ASSERT(y == tconv::conv_via_matrix(p, o.x, o.w, o.bias()));
      const std::int64_t cols = checked_size(input_shape(p), "x") / p.batch;
      const std::int64_t rows = checked_size(output_shape(p, op_kind::conv), "y") / p.batch;
      if (rows * cols > dense_limit) return;
      RC_TAG(std::string("dense"));
      const auto m = tconv::conv_matrix_dense(p, o.w);
      std::vector<tensor<T>> samples;
      for (std::int64_t n = 0; n < p.batch; ++n) {
        auto yshape = output_shape(p, op_kind::conv);
        yshape[0] = 1;
        samples.emplace_back(yshape, multiply(m, ops::slice(o.x, 0, n, 1).data));
      }
      RC_ASSERT(y == add_bias(ops::concat(samples, 0), o.bias()));
    });
  };
}

// ---- law 3: scatter == gather == zero insertion ----------------------------------------------
/// Every candidate equals the scatter formulation, bias included.
template <class... F>
[[nodiscard]] auto formulations_agree(F... candidates) {
  return [candidates...] {
    const problem p = draw(gen::valid_problem());
    gen::with_scalar(draw_scalar(), [&]<class T>(std::type_identity<T>) {
      const auto o = draw_operands<T>(p);
      const tensor<T> reference = tconv::conv_transpose(p, o.x, o.w, o.bias());
      auto check = [&](const auto& f) { RC_ASSERT(f(p, o.x, o.w, o.bias()) == reference); };
      (check(candidates), ...);
    });
  };
}

// ---- law 4: shape inversion ------------------------------------------------------------------
/// For every valid conv c, the transposed conv with c's hyperparameters on c's output and
/// output_padding = (in + pb + pe - d(k-1) - 1) mod s returns exactly c's input extent; that
/// output_padding is the only one in [0, max(s, d)) that does; and 0 suffices iff s divides
/// in + pb + pe - d(k-1) - 1. `extent` is the transposed-extent formula under test.
template <class E>
[[nodiscard]] auto shape_inversion(E extent) {
  return [extent] {
    const problem c = *gen::valid_conv_problem();
    problem t = c;  // the transposed convolution that inverts c's shape
    t.in_channels = c.out_channels;
    t.out_channels = c.in_channels;
    extents span{0, 0, 0};
    for (std::size_t a = 0; a < static_cast<std::size_t>(c.rank); ++a) {
      span[a] = c.input[a] + c.pad_begin[a] + c.pad_end[a] - c.dilation[a] * (c.kernel[a] - 1) - 1;
      t.input[a] = span[a] / c.stride[a] + 1;  // conv's output extent, derived here
      t.output_padding[a] = span[a] % c.stride[a];
    }
    current_problem() = t;
    gen::tag_regions(t);
    for (std::size_t a = 0; a < static_cast<std::size_t>(c.rank); ++a) {
      RC_ASSERT(span[a] >= 0);
      RC_ASSERT(t.input[a] == conv_extent(c.axis_at(static_cast<std::int64_t>(a))));
      axis tx = t.axis_at(static_cast<std::int64_t>(a));
      RC_ASSERT(extent(tx) == c.input[a]);
      for (std::int64_t op = 0; op < std::max(tx.stride, tx.dilation); ++op) {
        tx.output_padding = op;
        RC_ASSERT((extent(tx) == c.input[a]) == (op == span[a] % tx.stride));
      }
      tx.output_padding = 0;
      RC_ASSERT((extent(tx) == c.input[a]) == (span[a] % tx.stride == 0));
    }
    RC_ASSERT(is_valid(t, op_kind::conv_transpose));
    // the operator itself returns the input's shape
    const auto y = *gen::exact_tensor<std::int64_t>(input_shape(t));
    const auto w = *gen::asymmetric_kernel<std::int64_t>(weight_shape(t, op_kind::conv_transpose));
    tensor<std::int64_t> b;
    if (t.has_bias) b = *gen::exact_tensor<std::int64_t>(bias_shape(t));
    RC_ASSERT(tconv::conv_transpose(t, y, w, t.has_bias ? &b : nullptr).shape == input_shape(c));
  };
}

/// The converse: for every valid conv_transpose p, the conv with p's hyperparameters on p's
/// output returns p's input extent exactly when output_padding < stride (always, when
/// dilation <= stride); otherwise in + floor(op / s).
[[nodiscard]] inline auto shape_round_trip() {
  return [] {
    const problem p = draw(gen::valid_problem());
    const problem c = adjoint_conv(p);
    RC_ASSERT(is_valid(c, op_kind::conv));
    bool beyond = false;
    for (std::size_t a = 0; a < static_cast<std::size_t>(p.rank); ++a) {
      const auto back = conv_extent(c.axis_at(static_cast<std::int64_t>(a)));
      RC_ASSERT(back == p.input[a] + p.output_padding[a] / p.stride[a]);
      RC_ASSERT((back == p.input[a]) == (p.output_padding[a] < p.stride[a]));
      beyond = beyond || p.output_padding[a] >= p.stride[a];
    }
    if (beyond) RC_TAG(std::string("output_padding>=stride"));
  };
}

// ---- law 5: adjoint --------------------------------------------------------------------------
/// <conv(X, K), Y> == <X, candidate(Y, K)> with the same weight tensor K (conv's
/// [C_out, C_in/g, k] is conv_transpose's [C_in, C_out/g, k]). Where output_padding >= stride
/// the conv sees positions past the transposed input; its output is cropped to the input.
template <class F>
[[nodiscard]] auto adjoint(F candidate) {
  return [candidate] {
    gen::problem_space s;
    s.allow_bias = false;  // the adjoint is of the linear map
    const problem p = draw(gen::valid_problem(s));
    const problem c = adjoint_conv(p);
    gen::with_scalar(draw_scalar(), [&]<class T>(std::type_identity<T>) {
      const auto y = *gen::exact_tensor<T>(input_shape(p));
      const auto k = *gen::asymmetric_kernel<T>(weight_shape(p, op_kind::conv_transpose));
      const auto x = *gen::exact_tensor<T>(input_shape(c));
      RC_ASSERT(weight_shape(c, op_kind::conv) == k.shape);
      std::vector<std::int64_t> keep(p.input.begin(), p.input.begin() + p.rank);
      const tensor<T> cx = ops::crop(tconv::conv(c, x, k), keep);
      if (cx.shape != output_shape(c, op_kind::conv)) RC_TAG(std::string("cropped"));
      RC_ASSERT(dot(cx, y) == dot(x, candidate(p, y, k, static_cast<const tensor<T>*>(nullptr))));
    });
  };
}

// ---- law 6: bilinearity ----------------------------------------------------------------------
/// candidate(a x1 + b x2, w) == a candidate(x1, w) + b candidate(x2, w), and the same in w.
template <class F>
[[nodiscard]] auto bilinearity(F candidate) {
  return [candidate] {
    gen::problem_space s;
    s.allow_bias = false;  // with a bias the map is affine, not linear
    const problem p = draw(gen::valid_problem(s));
    gen::with_scalar(draw_scalar(), [&]<class T>(std::type_identity<T>) {
      const T a = *gen::exact_scalar<T>(), b = *gen::exact_scalar<T>();
      const auto x1 = *gen::exact_tensor<T>(input_shape(p));
      const auto x2 = *gen::exact_tensor<T>(input_shape(p));
      const auto w1 = *gen::asymmetric_kernel<T>(weight_shape(p, op_kind::conv_transpose));
      const auto w2 = *gen::asymmetric_kernel<T>(weight_shape(p, op_kind::conv_transpose));
      const tensor<T>* none = nullptr;
      RC_ASSERT(candidate(p, ops::combine(a, x1, b, x2), w1, none) ==
                ops::combine(a, candidate(p, x1, w1, none), b, candidate(p, x2, w1, none)));
      RC_ASSERT(candidate(p, x1, ops::combine(a, w1, b, w2), none) ==
                ops::combine(a, candidate(p, x1, w1, none), b, candidate(p, x1, w2, none)));
    });
  };
}

// ---- law 7: groups ---------------------------------------------------------------------------
/// A grouped candidate equals the ungrouped candidate on each group's channels, concatenated:
/// group g reads x[:, g C_in/g ...], w[g C_in/g ...], b[g C_out/g ...] and writes y[:, g C_out/g
/// ...].
template <class F>
[[nodiscard]] auto groups(F candidate) {
  return [candidate] {
    const problem p = draw(gen::valid_problem());
    gen::with_scalar(draw_scalar(), [&]<class T>(std::type_identity<T>) {
      const auto o = draw_operands<T>(p);
      const std::int64_t cin_g = p.in_channels / p.groups, cout_g = p.out_channels / p.groups;
      problem q = p;
      q.groups = 1;
      q.in_channels = cin_g;
      q.out_channels = cout_g;
      std::vector<tensor<T>> parts;
      for (std::int64_t g = 0; g < p.groups; ++g) {
        tensor<T> bg;
        if (p.has_bias) bg = ops::slice(o.b, 0, g * cout_g, cout_g);
        parts.push_back(candidate(q, ops::slice(o.x, 1, g * cin_g, cin_g),
                                  ops::slice(o.w, 0, g * cin_g, cin_g),
                                  p.has_bias ? &bg : nullptr));
      }
      RC_ASSERT(candidate(p, o.x, o.w, o.bias()) == ops::concat(parts, 1));
    });
  };
}

// ---- law 8: polyphase (sub-pixel) ------------------------------------------------------------
namespace detail {

// One axis of one phase r of a stride-s transposed convolution. Output u = i s + k d (before
// the begin crop) lies in phase r = u mod s iff k d = r (mod s). With g = gcd(d, s) those taps
// are k0, k0 + s/g, k0 + 2 s/g, ... (none unless g | r), and tap j lands on u = (i + m0 + j d/g) s
// + r with m0 = (k0 d - r) / s: a stride-1 transposed convolution with dilation d/g, shifted by m0.
struct phase_axis {
  std::int64_t first = 0, count = 0, step = 1, shift = 0, dilation = 1;
};

inline phase_axis phase_of(std::int64_t kernel, std::int64_t stride, std::int64_t dilation,
                           std::int64_t r) {
  phase_axis ph;
  const std::int64_t g = std::gcd(dilation, stride);
  ph.step = stride / g;
  ph.dilation = dilation / g;
  ph.first = -1;
  for (std::int64_t k = 0; k < kernel && ph.first < 0; ++k)
    if ((k * dilation - r) % stride == 0) ph.first = k;
  if (ph.first < 0) return ph;
  ph.count = (kernel - 1 - ph.first) / ph.step + 1;
  ph.shift = (ph.first * dilation - r) / stride;
  return ph;
}

}  // namespace detail

/// The stride-s transposed convolution assembled from prod(s) stride-1 ones: phase r uses the
/// sub-kernel w[..., k0 + j s/g] with dilation d/g; its output, shifted by m0, fills the
/// positions u = q s + r of the uncropped output; the begin padding then crops, the extent
/// (end padding, output_padding) bounds, and the bias is added once at the end.
template <class T, class F>
[[nodiscard]] tensor<T> polyphase(const problem& p, const tensor<T>& x, const tensor<T>& w,
                                  const tensor<T>* b, F candidate, bool& empty_phase,
                                  bool& dilated_phase) {
  const problem q3 = tconv::detail::as_rank3(p);
  const extents out = output_extents(q3, op_kind::conv_transpose);
  tensor<T> y(output_shape(p, op_kind::conv_transpose));
  const std::int64_t cin = p.in_channels, cout_g = p.out_channels / p.groups;
  extents r{0, 0, 0};
  for (r[0] = 0; r[0] < q3.stride[0]; ++r[0])
    for (r[1] = 0; r[1] < q3.stride[1]; ++r[1])
      for (r[2] = 0; r[2] < q3.stride[2]; ++r[2]) {
        std::array<detail::phase_axis, 3> ph;
        bool empty = false;
        for (std::size_t a = 0; a < 3; ++a) {
          ph[a] = detail::phase_of(q3.kernel[a], q3.stride[a], q3.dilation[a], r[a]);
          empty = empty || ph[a].count == 0;
          dilated_phase = dilated_phase || (ph[a].count > 1 && ph[a].dilation > 1);
        }
        if (empty) {
          empty_phase = true;
          continue;
        }
        problem sub = q3;
        sub.has_bias = false;
        for (std::size_t a = 0; a < 3; ++a) {
          sub.kernel[a] = ph[a].count;
          sub.stride[a] = 1;
          sub.dilation[a] = ph[a].dilation;
          sub.pad_begin[a] = sub.pad_end[a] = sub.output_padding[a] = 0;
        }
        sub.rank = p.rank;
        tensor<T> ws(weight_shape(sub, op_kind::conv_transpose));
        const extents sk = tconv::detail::as_rank3(sub).kernel;
        for (std::int64_t ci = 0; ci < cin; ++ci)
          for (std::int64_t c = 0; c < cout_g; ++c)
            for (std::int64_t j0 = 0; j0 < sk[0]; ++j0)
              for (std::int64_t j1 = 0; j1 < sk[1]; ++j1)
                for (std::int64_t j2 = 0; j2 < sk[2]; ++j2)
                  ws[tconv::detail::at5(ci, c, cout_g, sk, j0, j1, j2)] = w[tconv::detail::at5(
                      ci, c, cout_g, q3.kernel, ph[0].first + j0 * ph[0].step,
                      ph[1].first + j1 * ph[1].step, ph[2].first + j2 * ph[2].step)];
        const tensor<T> z = candidate(sub, x, ws, static_cast<const tensor<T>*>(nullptr));
        const extents zext = output_extents(tconv::detail::as_rank3(sub), op_kind::conv_transpose);
        for (std::int64_t n = 0; n < p.batch; ++n)
          for (std::int64_t co = 0; co < p.out_channels; ++co)
            for (std::int64_t j0 = 0; j0 < zext[0]; ++j0)
              for (std::int64_t j1 = 0; j1 < zext[1]; ++j1)
                for (std::int64_t j2 = 0; j2 < zext[2]; ++j2) {
                  const std::array<std::int64_t, 3> j{j0, j1, j2};
                  extents o{};
                  bool inside = true;
                  for (std::size_t a = 0; a < 3; ++a) {
                    o[a] = (j[a] + ph[a].shift) * q3.stride[a] + r[a] - q3.pad_begin[a];
                    inside = inside && o[a] >= 0 && o[a] < out[a];
                  }
                  if (inside)
                    y[tconv::detail::at5(n, co, p.out_channels, out, o[0], o[1], o[2])] =
                        z[tconv::detail::at5(n, co, p.out_channels, zext, j0, j1, j2)];
                }
      }
  return add_bias(y, b);
}

/// candidate(p) == the interleaving of prod(stride) stride-1 candidates with sub-kernels.
template <class F>
[[nodiscard]] auto polyphase_law(F candidate) {
  return [candidate] {
    const problem p = draw(gen::valid_problem());
    gen::with_scalar(draw_scalar(), [&]<class T>(std::type_identity<T>) {
      const auto o = draw_operands<T>(p);
      bool empty = false, dilated = false;
      const tensor<T> interleaved = polyphase(p, o.x, o.w, o.bias(), candidate, empty, dilated);
      if (empty) RC_TAG(std::string("empty_phase"));
      if (dilated) RC_TAG(std::string("dilated_phase"));
      RC_ASSERT(candidate(p, o.x, o.w, o.bias()) == interleaved);
    });
  };
}

// ---- law 9: batch independence, bias once ----------------------------------------------------
/// Sample n of candidate(x) is candidate(x[n]) on a batch of 1; with a bias b the output is the
/// bias-free output plus b[c] exactly once at every position of channel c.
template <class F>
[[nodiscard]] auto batch_and_bias(F candidate) {
  return [candidate] {
    const problem p = draw(gen::valid_problem());
    gen::with_scalar(draw_scalar(), [&]<class T>(std::type_identity<T>) {
      const auto o = draw_operands<T>(p);
      const tensor<T> y = candidate(p, o.x, o.w, o.bias());
      problem one = p;
      one.batch = 1;
      std::vector<tensor<T>> samples;
      for (std::int64_t n = 0; n < p.batch; ++n)
        samples.push_back(candidate(one, ops::slice(o.x, 0, n, 1), o.w, o.bias()));
      RC_ASSERT(y == ops::concat(samples, 0));
      problem with = p, without = p;
      with.has_bias = true;
      without.has_bias = false;
      const auto b = *gen::exact_tensor<T>(bias_shape(p));
      RC_ASSERT(candidate(with, o.x, o.w, &b) ==
                add_bias(candidate(without, o.x, o.w, static_cast<const tensor<T>*>(nullptr)), &b));
    });
  };
}

// ---- law 10: conventions ---------------------------------------------------------------------
/// p with each axis's (pad_end, output_padding) traded down by their minimum: both extend or
/// crop the same end, so the trade changes no output value; it makes ONNX's and PyTorch's
/// descriptions of one layer comparable field by field.
[[nodiscard]] inline problem normalized(problem p) {
  for (std::size_t a = 0; a < static_cast<std::size_t>(max_rank); ++a) {
    const std::int64_t m = std::min(p.pad_end[a], p.output_padding[a]);
    p.pad_end[a] -= m;
    p.output_padding[a] -= m;
  }
  return p;
}

/// A PyTorch layer (symmetric padding P, output_padding op) and its ONNX descriptions (explicit
/// pads; output_shape with and without the output_padding attribute; SAME_UPPER/SAME_LOWER when
/// PyTorch can express them) resolve to the same canonical problem (up to normalized()) and
/// the same output.
[[nodiscard]] inline auto conventions() {
  return [] {
    problem p = *gen::valid_problem();
    for (std::size_t a = 0; a < static_cast<std::size_t>(p.rank);
         ++a)  // PyTorch pads symmetrically
      p.pad_begin[a] = p.pad_end[a] = std::min(p.pad_begin[a], p.pad_end[a]);
    current_problem() = p;
    gen::tag_regions(p);
    const auto rank = static_cast<std::size_t>(p.rank);
    auto axes = [&](const extents& e) {
      return std::vector<std::int64_t>(e.begin(), e.begin() + p.rank);
    };

    pytorch_layer pt;
    pt.input_shape = input_shape(p);
    pt.out_channels = p.out_channels;
    pt.kernel_size = axes(p.kernel);
    pt.stride = axes(p.stride);
    pt.padding = axes(p.pad_begin);
    pt.output_padding = axes(p.output_padding);
    pt.dilation = axes(p.dilation);
    pt.groups = p.groups;
    pt.bias = p.has_bias;
    const problem from_pt = from_pytorch(pt, op_kind::conv_transpose);
    RC_ASSERT(from_pt == p);

    onnx_conv_transpose ox;
    ox.x_shape = input_shape(p);
    ox.w_shape = weight_shape(p, op_kind::conv_transpose);
    ox.strides = axes(p.stride);
    ox.dilations = axes(p.dilation);
    ox.group = p.groups;
    ox.has_bias = p.has_bias;
    std::vector<problem> same_layer;  // ONNX descriptions of exactly the PyTorch layer

    onnx_conv_transpose explicit_pads = ox;
    explicit_pads.pads = axes(p.pad_begin);
    for (auto v : axes(p.pad_end)) explicit_pads.pads.push_back(v);
    explicit_pads.output_padding = axes(p.output_padding);
    RC_ASSERT(from_onnx(explicit_pads) == p);

    onnx_conv_transpose shape_and_op = ox;
    shape_and_op.output_shape = axes(output_extents(p, op_kind::conv_transpose));
    shape_and_op.output_padding = axes(p.output_padding);
    RC_ASSERT(from_onnx(shape_and_op) == p);

    // output_shape alone: ONNX splits the total padding 2P - op (begin gets the larger half;
    // a negative total extends the end instead), so the begin crop is max(0, P - floor(op/2)):
    // the same layer exactly where that is P
    onnx_conv_transpose shape_only = ox;
    shape_only.output_shape = shape_and_op.output_shape;
    const problem from_shape = from_onnx(shape_only);
    bool same_begin = true;
    for (std::size_t a = 0; a < rank; ++a) {
      const std::int64_t begin =
          std::max<std::int64_t>(0, p.pad_begin[a] - p.output_padding[a] / 2);
      RC_ASSERT(from_shape.pad_begin[a] == begin);
      same_begin = same_begin && begin == p.pad_begin[a];
    }
    if (same_begin) {
      RC_TAG(std::string("onnx_output_shape_only"));
      RC_ASSERT(normalized(from_shape) == normalized(p));
      same_layer.push_back(from_shape);
    }

    // SAME_*: output = in * s, total padding t = d(k-1) + 1 - s split begin/end (t < 0: no
    // padding, the end extends by -t). PyTorch's equivalent: P = the begin padding and
    // op = 2P - t, when that op is valid
    for (const char* mode : {"SAME_UPPER", "SAME_LOWER"}) {
      onnx_conv_transpose same = ox;
      same.auto_pad = mode;
      const problem from_same = from_onnx(same);
      pytorch_layer eq = pt;
      bool expressible = true;
      for (std::size_t a = 0; a < rank; ++a) {
        const std::int64_t total = p.dilation[a] * (p.kernel[a] - 1) + 1 - p.stride[a];
        std::int64_t begin = std::string(mode) == "SAME_UPPER" ? total / 2 : total - total / 2;
        if (total < 0) begin = 0;
        const std::int64_t op = 2 * begin - total;
        expressible = expressible && op >= 0 && op < std::max(p.stride[a], p.dilation[a]);
        eq.padding[a] = begin;
        eq.output_padding[a] = op;
        RC_ASSERT(from_same.pad_begin[a] == begin);
        RC_ASSERT(output_extents(from_same, op_kind::conv_transpose)[a] ==
                  p.input[a] * p.stride[a]);
      }
      if (!expressible) continue;
      RC_TAG(std::string(mode));
      const problem from_eq = from_pytorch(eq, op_kind::conv_transpose);
      RC_ASSERT(normalized(from_same) == normalized(from_eq));
      const auto x = *gen::exact_tensor<std::int64_t>(input_shape(p));
      const auto w =
          *gen::asymmetric_kernel<std::int64_t>(weight_shape(p, op_kind::conv_transpose));
      tensor<std::int64_t> b;
      if (p.has_bias) b = *gen::exact_tensor<std::int64_t>(bias_shape(p));
      const tensor<std::int64_t>* bp = p.has_bias ? &b : nullptr;
      RC_ASSERT(tconv::conv_transpose(from_same, x, w, bp, output_padding_rule::extension) ==
                tconv::conv_transpose(from_eq, x, w, bp));
    }

    // the outputs agree with the PyTorch layer's, values included
    gen::with_scalar(draw_scalar(), [&]<class T>(std::type_identity<T>) {
      const auto o = draw_operands<T>(p);
      const tensor<T> y = tconv::conv_transpose(from_pt, o.x, o.w, o.bias());
      for (const problem& q : same_layer)
        RC_ASSERT(tconv::conv_transpose(q, o.x, o.w, o.bias(), output_padding_rule::extension) ==
                  y);
    });
  };
}

// ---- law 11: symbolic agreement --------------------------------------------------------------
/// Number of (input position, kernel tap) pairs along one axis that land inside the output.
[[nodiscard]] inline std::int64_t hits(const axis& a) {
  const std::int64_t out = conv_transpose_extent(a);
  std::int64_t n = 0;
  for (std::int64_t i = 0; i < a.input; ++i)
    for (std::int64_t k = 0; k < a.kernel; ++k) {
      const std::int64_t o = i * a.stride + k * a.dilation - a.pad_begin;
      n += (o >= 0 && o < out) ? 1 : 0;
    }
  return n;
}

/// On symbols x_i, w_j (and bias symbols), every candidate yields the scatter's bilinear form
/// (a proof for all inputs of the drawn shape); the form has coefficient 1 on exactly the
/// N * C_in * C_out/g * prod(hits per axis) products and one term per biased output.
template <class... F>
[[nodiscard]] auto symbolic(F... candidates) {
  return [candidates...] {
    const problem p = draw(gen::valid_problem());
    const auto x = symbols(input_shape(p), true);
    const auto w = symbols(weight_shape(p, op_kind::conv_transpose), false);
    tensor<bilinear> b(bias_shape(p));
    for (std::int64_t c = 0; c < b.size(); ++c) b[c] = bilinear::w_symbol(w.size() + c);
    const tensor<bilinear>* bp = p.has_bias ? &b : nullptr;
    const tensor<bilinear> y = tconv::conv_transpose(p, x, w, bp);
    std::int64_t products = 0, biases = 0;
    for (const auto& v : y.data)
      for (const auto& t : v.terms) {
        RC_ASSERT(t.c == 1);
        if (t.x >= 0)
          ++products;
        else
          ++biases;
      }
    std::int64_t expected = p.batch * p.in_channels * (p.out_channels / p.groups);
    for (std::int64_t a = 0; a < p.rank; ++a) expected *= hits(p.axis_at(a));
    RC_ASSERT(products == expected);
    RC_ASSERT(biases == (p.has_bias ? y.size() : 0));
    auto check = [&](const auto& f) { RC_ASSERT(f(p, x, w, bp) == y); };
    (check(candidates), ...);
  };
}

/// The convolution's forms agree too: conv == conv_via_matrix on symbols, for the adjoint conv.
[[nodiscard]] inline auto symbolic_conv() {
  return [] {
    const problem p = draw(gen::valid_problem());
    const problem c = adjoint_conv(p);
    const auto x = symbols(input_shape(c), true);
    const auto w = symbols(weight_shape(c, op_kind::conv), false);
    tensor<bilinear> b(bias_shape(c));
    for (std::int64_t i = 0; i < b.size(); ++i) b[i] = bilinear::w_symbol(w.size() + i);
    const tensor<bilinear>* bp = c.has_bias ? &b : nullptr;
    RC_ASSERT(tconv::conv(c, x, w, bp) == tconv::conv_via_matrix(c, x, w, bp));
  };
}

}  // namespace tconv::laws
