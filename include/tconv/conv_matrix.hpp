#pragma once
// Formulation 3: the convolution matrix W (the seeds' kernel2matrix, generalised to every
// hyperparameter). A convolution is y = W x; the transposed convolution is z = Wᵀ y.
// Dense W costs rows*cols entries; sparse W (CSR) costs one entry per (output, kernel tap) hit.
#include <vector>

#include "tconv/detail/layout.hpp"

namespace tconv {

/// A dense rows x cols matrix, row-major.
template <class T>
struct dense_matrix {
  std::int64_t rows = 0, cols = 0;
  std::vector<T> data;
  [[nodiscard]] constexpr T& at(std::int64_t r, std::int64_t c) {
    return data[static_cast<std::size_t>(r * cols + c)];
  }
  [[nodiscard]] constexpr const T& at(std::int64_t r, std::int64_t c) const {
    return data[static_cast<std::size_t>(r * cols + c)];
  }
  friend constexpr bool operator==(const dense_matrix&, const dense_matrix&) = default;
};

/// A sparse rows x cols matrix in compressed sparse row form.
template <class T>
struct sparse_matrix {
  std::int64_t rows = 0, cols = 0;
  std::vector<std::int64_t> row_start;  // rows + 1 entries
  std::vector<std::int64_t> col;
  std::vector<T> value;
  [[nodiscard]] constexpr std::int64_t nonzeros() const {
    return static_cast<std::int64_t>(col.size());
  }
};

namespace detail {

// The geometry of one convolution seen as a matrix: rows are (out channel, out position),
// columns (in channel, in position); tap k of row o reads column o*s - pb + k*d.
struct matrix_geometry {
  std::int64_t row_channels, col_channels, groups;
  extents row_ext, col_ext, kernel, stride, dilation, pad_begin;
};

// Calls f(row, col, weight_offset) for every structural nonzero of W, rows in increasing order.
// Weight layout: [row_channels, col_channels/groups, *kernel].
template <class F>
constexpr void for_each_matrix_entry(const matrix_geometry& m, F&& f) {
  const std::int64_t rg = m.row_channels / m.groups, cg = m.col_channels / m.groups;
  const std::int64_t rsp = m.row_ext[0] * m.row_ext[1] * m.row_ext[2];
  const std::int64_t csp = m.col_ext[0] * m.col_ext[1] * m.col_ext[2];
  for (std::int64_t rc = 0; rc < m.row_channels; ++rc)
    for (std::int64_t o0 = 0; o0 < m.row_ext[0]; ++o0)
      for (std::int64_t o1 = 0; o1 < m.row_ext[1]; ++o1)
        for (std::int64_t o2 = 0; o2 < m.row_ext[2]; ++o2) {
          const std::int64_t row = rc * rsp + (o0 * m.row_ext[1] + o1) * m.row_ext[2] + o2;
          for (std::int64_t cl = 0; cl < cg; ++cl) {
            const std::int64_t cc = rules::scatter_out_channel(rc, cl, rg, cg);
            for (std::int64_t k0 = 0; k0 < m.kernel[0]; ++k0) {
              const std::int64_t i0 =
                  rules::conv_source(m.stride[0], m.dilation[0], m.pad_begin[0], o0, k0);
              if (!rules::within(i0, m.col_ext[0])) continue;
              for (std::int64_t k1 = 0; k1 < m.kernel[1]; ++k1) {
                const std::int64_t i1 =
                    rules::conv_source(m.stride[1], m.dilation[1], m.pad_begin[1], o1, k1);
                if (!rules::within(i1, m.col_ext[1])) continue;
                for (std::int64_t k2 = 0; k2 < m.kernel[2]; ++k2) {
                  const std::int64_t i2 =
                      rules::conv_source(m.stride[2], m.dilation[2], m.pad_begin[2], o2, k2);
                  if (!rules::within(i2, m.col_ext[2])) continue;
                  f(row, cc * csp + (i0 * m.col_ext[1] + i1) * m.col_ext[2] + i2,
                    ((rc * cg + cl) * m.kernel[0] + k0) * m.kernel[1] * m.kernel[2] +
                        k1 * m.kernel[2] + k2);
                }
              }
            }
          }
        }
}

// Convolution p: rows = its output, columns = its input.
[[nodiscard]] constexpr matrix_geometry conv_geometry(const problem& q) {
  return {q.out_channels, q.in_channels, q.groups, output_extents(q, op_kind::conv),
          q.input,        q.kernel,      q.stride, q.dilation,
          q.pad_begin};
}
// Transposed convolution p: rows = p's input, columns = p's output (z = Wᵀ y scatters each input
// along its row). When output_padding < stride this W is the matrix of the convolution p
// transposes (adjoint_conv(p), whose output extent is then p's input); otherwise that
// convolution has in + floor(op/s) rows per axis, and this W is its first `in` rows.
[[nodiscard]] constexpr matrix_geometry conv_transpose_geometry(const problem& q) {
  return {q.in_channels,
          q.out_channels,
          q.groups,
          q.input,
          output_extents(q, op_kind::conv_transpose),
          q.kernel,
          q.stride,
          q.dilation,
          q.pad_begin};
}

template <class T>
[[nodiscard]] constexpr dense_matrix<T> build_dense(const matrix_geometry& m, const tensor<T>& w) {
  dense_matrix<T> d;
  d.rows = m.row_channels * m.row_ext[0] * m.row_ext[1] * m.row_ext[2];
  d.cols = m.col_channels * m.col_ext[0] * m.col_ext[1] * m.col_ext[2];
  d.data.resize(static_cast<std::size_t>(checked_size({d.rows, d.cols}, "dense W")));
  for_each_matrix_entry(m,
                        [&](std::int64_t r, std::int64_t c, std::int64_t k) { d.at(r, c) = w[k]; });
  return d;
}

template <class T>
[[nodiscard]] constexpr sparse_matrix<T> build_sparse(const matrix_geometry& m,
                                                      const tensor<T>& w) {
  sparse_matrix<T> s;
  s.rows = m.row_channels * m.row_ext[0] * m.row_ext[1] * m.row_ext[2];
  s.cols = m.col_channels * m.col_ext[0] * m.col_ext[1] * m.col_ext[2];
  s.row_start.assign(static_cast<std::size_t>(s.rows + 1), 0);
  for_each_matrix_entry(m, [&](std::int64_t r, std::int64_t c, std::int64_t k) {
    ++s.row_start[static_cast<std::size_t>(r + 1)];
    s.col.push_back(c);
    s.value.push_back(w[k]);
  });
  for (std::int64_t r = 0; r < s.rows; ++r)
    s.row_start[static_cast<std::size_t>(r + 1)] += s.row_start[static_cast<std::size_t>(r)];
  return s;
}

template <class T>
constexpr void check_weight(const problem& p, op_kind op, const tensor<T>& w,
                            output_padding_rule rule = output_padding_rule::pytorch) {
  validate(p, op, rule);
  require_shape(w, weight_shape(p, op), "w");
}

}  // namespace detail

/// W of convolution p, dense: [C_out * prod(out)] x [C_in * prod(in)], with y_n = W x_n.
template <class T>
[[nodiscard]] constexpr dense_matrix<T> conv_matrix_dense(const problem& p, const tensor<T>& w) {
  detail::check_weight(p, op_kind::conv, w);
  return detail::build_dense(detail::conv_geometry(detail::as_rank3(p)), w);
}
/// W of convolution p, sparse (CSR), same layout as conv_matrix_dense.
template <class T>
[[nodiscard]] constexpr sparse_matrix<T> conv_matrix_sparse(const problem& p, const tensor<T>& w) {
  detail::check_weight(p, op_kind::conv, w);
  return detail::build_sparse(detail::conv_geometry(detail::as_rank3(p)), w);
}
/// W of transposed convolution p, dense: [C_in * prod(in)] x [C_out * prod(out)], with z_n = Wᵀ
/// y_n. (`rule` extension: output_padding as ONNX's output_shape may make it.)
template <class T>
[[nodiscard]] constexpr dense_matrix<T> conv_transpose_matrix_dense(
    const problem& p, const tensor<T>& w, output_padding_rule rule = output_padding_rule::pytorch) {
  detail::check_weight(p, op_kind::conv_transpose, w, rule);
  return detail::build_dense(detail::conv_transpose_geometry(detail::as_rank3(p)), w);
}
/// W of transposed convolution p, sparse (CSR), same layout as conv_transpose_matrix_dense.
template <class T>
[[nodiscard]] constexpr sparse_matrix<T> conv_transpose_matrix_sparse(const problem& p,
                                                                      const tensor<T>& w) {
  detail::check_weight(p, op_kind::conv_transpose, w);
  return detail::build_sparse(detail::conv_transpose_geometry(detail::as_rank3(p)), w);
}

/// W v (v has W.cols entries).
template <class T>
[[nodiscard]] constexpr std::vector<T> multiply(const dense_matrix<T>& m, const std::vector<T>& v) {
  std::vector<T> r(static_cast<std::size_t>(m.rows));
  for (std::int64_t i = 0; i < m.rows; ++i)
    for (std::int64_t j = 0; j < m.cols; ++j)
      r[static_cast<std::size_t>(i)] += m.at(i, j) * v[static_cast<std::size_t>(j)];
  return r;
}
/// Wᵀ v (v has W.rows entries).
template <class T>
[[nodiscard]] constexpr std::vector<T> multiply_transposed(const dense_matrix<T>& m,
                                                           const std::vector<T>& v) {
  std::vector<T> r(static_cast<std::size_t>(m.cols));
  for (std::int64_t j = 0; j < m.cols; ++j)
    for (std::int64_t i = 0; i < m.rows; ++i)
      r[static_cast<std::size_t>(j)] += m.at(i, j) * v[static_cast<std::size_t>(i)];
  return r;
}
/// W v for sparse W.
template <class T>
[[nodiscard]] constexpr std::vector<T> multiply(const sparse_matrix<T>& m,
                                                const std::vector<T>& v) {
  std::vector<T> r(static_cast<std::size_t>(m.rows));
  for (std::int64_t i = 0; i < m.rows; ++i)
    for (std::int64_t e = m.row_start[static_cast<std::size_t>(i)];
         e < m.row_start[static_cast<std::size_t>(i + 1)]; ++e)
      r[static_cast<std::size_t>(i)] +=
          m.value[static_cast<std::size_t>(e)] *
          v[static_cast<std::size_t>(m.col[static_cast<std::size_t>(e)])];
  return r;
}
/// Wᵀ v for sparse W.
template <class T>
[[nodiscard]] constexpr std::vector<T> multiply_transposed(const sparse_matrix<T>& m,
                                                           const std::vector<T>& v) {
  std::vector<T> r(static_cast<std::size_t>(m.cols));
  for (std::int64_t i = 0; i < m.rows; ++i)
    for (std::int64_t e = m.row_start[static_cast<std::size_t>(i)];
         e < m.row_start[static_cast<std::size_t>(i + 1)]; ++e)
      r[static_cast<std::size_t>(m.col[static_cast<std::size_t>(e)])] +=
          m.value[static_cast<std::size_t>(e)] * v[static_cast<std::size_t>(i)];
  return r;
}

namespace detail {
// Applies `apply(sample)` to each batch sample of x and adds the bias per output channel.
template <class T, class Apply>
constexpr tensor<T> per_sample(const tensor<T>& x, std::vector<std::int64_t> yshape,
                               const tensor<T>* b, Apply&& apply) {
  tensor<T> y(std::move(yshape));
  const std::int64_t batch = y.shape[0], xs = x.size() / batch, ys = y.size() / batch;
  const std::int64_t spatial = ys / y.shape[1];
  for (std::int64_t n = 0; n < batch; ++n) {
    std::vector<T> v(x.data.begin() + n * xs, x.data.begin() + (n + 1) * xs);
    const std::vector<T> r = apply(v);
    for (std::int64_t i = 0; i < ys; ++i) {
      y[n * ys + i] = r[static_cast<std::size_t>(i)];
      if (b != nullptr) y[n * ys + i] += (*b)[i / spatial];
    }
  }
  return y;
}
}  // namespace detail

/// y_n = W x_n (+ b), W sparse: the matrix formulation of conv.
template <class T>
[[nodiscard]] constexpr tensor<T> conv_via_matrix(const problem& p, const tensor<T>& x,
                                                  const tensor<T>& w,
                                                  const tensor<T>* b = nullptr) {
  detail::prepare(p, op_kind::conv, x, w, b, output_padding_rule::pytorch);
  const auto m = conv_matrix_sparse(p, w);
  return detail::per_sample(x, output_shape(p, op_kind::conv), b,
                            [&](const std::vector<T>& v) { return multiply(m, v); });
}

/// z_n = Wᵀ y_n (+ b), W sparse: the matrix formulation of conv_transpose.
template <class T>
[[nodiscard]] constexpr tensor<T> conv_transpose_via_matrix(
    const problem& p, const tensor<T>& x, const tensor<T>& w, const tensor<T>* b = nullptr,
    output_padding_rule rule = output_padding_rule::pytorch) {
  const problem q = detail::prepare(p, op_kind::conv_transpose, x, w, b, rule);
  const auto m = detail::build_sparse(detail::conv_transpose_geometry(q), w);
  return detail::per_sample(x, output_shape(p, op_kind::conv_transpose), b,
                            [&](const std::vector<T>& v) { return multiply_transposed(m, v); });
}

}  // namespace tconv
