// tconv matrix: the convolution matrix W (the seeds' kernel2matrix, for any layer): a convolution
// is y = W x per sample; a transposed convolution is y = W^T x, W being the matrix of the
// convolution it transposes (rows: x's elements, columns: y's).
#include <cstdio>

#include "commands.hpp"
#include "layer_data.hpp"
#include "symbols.hpp"
#include "tconv/conv_matrix.hpp"
#include "tconv/symbolic.hpp"

namespace tconv::cli {
namespace {

struct matrix_flags {
  std::string x_shape, w_shape, w_file, w_values;
  layer_flags layer;
};

constexpr std::int64_t max_entries = 1'000'000;

template <class T, class Name>
void print_matrix(const dense_matrix<T>& m, Name&& entry) {
  std::vector<std::string> cells(static_cast<std::size_t>(m.rows * m.cols));
  std::size_t width = 1;
  for (std::int64_t i = 0; i < m.rows * m.cols; ++i) {
    cells[static_cast<std::size_t>(i)] = entry(m.data[static_cast<std::size_t>(i)]);
    width = std::max(width, cells[static_cast<std::size_t>(i)].size());
  }
  for (std::int64_t r = 0; r < m.rows; ++r) {
    std::string line;
    for (std::int64_t c = 0; c < m.cols; ++c) {
      const auto& s = cells[static_cast<std::size_t>(r * m.cols + c)];
      if (c) line += ' ';
      line += std::string(width - s.size(), ' ') + s;
    }
    std::puts(line.c_str());
  }
}

int matrix_body(const matrix_flags& f) {
  auto xs = parse_int_list(f.x_shape, "--x-shape");
  const auto ws = parse_int_list(f.w_shape, "--w-shape");
  const problem p = f.layer.resolve(xs, ws, false, "--x-shape", "--w-shape");
  const op_kind k = f.layer.kind();
  const auto wshape = weight_shape(p, k);
  const std::int64_t wn = checked_size(wshape, "w");
  const auto q = tconv::detail::as_rank3(p);
  const auto geo = k == op_kind::conv ? tconv::detail::conv_geometry(q)
                                      : tconv::detail::conv_transpose_geometry(q);
  const std::int64_t rows = geo.row_channels * geo.row_ext[0] * geo.row_ext[1] * geo.row_ext[2];
  const std::int64_t cols = geo.col_channels * geo.col_ext[0] * geo.col_ext[1] * geo.col_ext[2];
  if (rows > max_entries || cols > max_entries || rows * cols > max_entries)
    throw usage_error("--x-shape / --w-shape: W would be " + std::to_string(rows) + " x " +
                      std::to_string(cols) + "; matrix prints at most " +
                      std::to_string(max_entries) + " entries");
  const std::string in = k == op_kind::conv ? "x" : "y", out = k == op_kind::conv ? "y" : "x";
  std::printf("W: %lld x %lld (rows: %s[n,c,...] of one sample, columns: %s[n,c,...]); %s\n",
              static_cast<long long>(rows), static_cast<long long>(cols),
              k == op_kind::conv ? "y" : "x", k == op_kind::conv ? "x" : "y",
              k == op_kind::conv ? "y = W x" : "y = W^T x");
  (void)in, (void)out;
  if (!f.w_file.empty() && !f.w_values.empty())
    throw usage_error("--w / --w-values: give one of them, not both");
  if (!f.w_file.empty() || !f.w_values.empty()) {
    std::vector<double> v;
    if (!f.w_file.empty()) {
      const auto a = load_npy(f.w_file, "--w");
      if (a.shape != wshape)
        throw usage_error("--w " + f.w_file + ": shape " + shape_text(a.shape) + " must be " +
                          shape_text(wshape));
      v = a.as_double();
    } else {
      for (auto i : parse_int_list(f.w_values, "--w-values")) v.push_back(static_cast<double>(i));
      if (static_cast<std::int64_t>(v.size()) != wn)
        throw usage_error("--w-values: " + std::to_string(v.size()) + " values given; w " +
                          shape_text(wshape) + " needs " + std::to_string(wn));
    }
    const tensor<double> w(wshape, v);
    print_matrix(tconv::detail::build_dense(geo, w), [](double d) {
      char b[40];
      std::snprintf(b, sizeof b, "%.17g", d);
      return std::string(b);
    });
    return 0;
  }
  print_matrix(tconv::detail::build_dense(geo, symbols(wshape, false)), [&](const bilinear& e) {
    if (e.terms.empty()) return std::string("0");
    return element_name("w", e.terms[0].w, wshape);
  });
  return 0;
}

command add_matrix(CLI::App& root) {
  auto flags = std::make_shared<matrix_flags>();
  CLI::App* app = root.add_subcommand(
      "matrix", "Print the convolution matrix W (symbolic, or with --w / --w-values)");
  app->add_option("--x-shape", flags->x_shape, "N,C,D1[,D2[,D3]]")->required();
  app->add_option("--w-shape", flags->w_shape, "the weight tensor's shape")->required();
  app->add_option("--w", flags->w_file, "weights (.npy) to print W's values");
  app->add_option("--w-values", flags->w_values,
                  "weights as an integer list in C order, e.g. 1,2,3,4");
  flags->layer.add_to(*app);
  return {app, [flags] { return matrix_body(*flags); }};
}

TCONV_COMMAND(40, add_matrix);

}  // namespace
}  // namespace tconv::cli
