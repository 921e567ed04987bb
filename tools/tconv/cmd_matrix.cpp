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

// W of p (y = W x for a convolution, y = W^T x for a transposed one), from weights w.
template <class T>
dense_matrix<T> matrix_of(const problem& p, op_kind k, const tensor<T>& w) {
  return k == op_kind::conv ? conv_matrix_dense(p, w)
                            : conv_transpose_matrix_dense(p, w, output_padding_rule::extension);
}

// The weights --w or --w-values give, in w's shape.
tensor<double> weights_of(const matrix_flags& f, const std::vector<std::int64_t>& wshape) {
  std::vector<double> v;
  if (!f.w_file.empty()) {
    const auto a = load_npy(f.w_file, "--w");
    if (a.shape != wshape)
      throw usage_error("--w " + f.w_file + ": shape " + shape_text(a.shape) + " must be " +
                        shape_text(wshape));
    v = a.as_double();
  } else {
    const std::int64_t wn = checked_size(wshape, "w");
    for (auto i : parse_int_list(f.w_values, "--w-values")) v.push_back(static_cast<double>(i));
    if (static_cast<std::int64_t>(v.size()) != wn)
      throw usage_error("--w-values: " + std::to_string(v.size()) + " values given; w " +
                        shape_text(wshape) + " needs " + std::to_string(wn));
  }
  return tensor<double>(wshape, v);
}

int matrix_body(const matrix_flags& f) {
  auto xs = parse_int_list(f.x_shape, "--x-shape");
  const auto ws = parse_int_list(f.w_shape, "--w-shape");
  const problem p = f.layer.resolve(xs, ws, false, "--x-shape", "--w-shape");
  const op_kind k = f.layer.kind();
  const auto wshape = weight_shape(p, k);
  // one sample's x and y: a convolution's W is y by x, a transposed convolution's x by y
  const std::int64_t xn = checked_size(input_shape(p), "x") / p.batch;
  const std::int64_t yn = checked_size(output_shape(p, k), "y") / p.batch;
  const std::int64_t rows = k == op_kind::conv ? yn : xn, cols = k == op_kind::conv ? xn : yn;
  if (rows > max_entries || cols > max_entries || rows * cols > max_entries)
    throw usage_error("--x-shape / --w-shape: W would be " + std::to_string(rows) + " x " +
                      std::to_string(cols) + "; matrix prints at most " +
                      std::to_string(max_entries) + " entries");
  std::printf("W: %lld x %lld (rows: %s[n,c,...] of one sample, columns: %s[n,c,...]); %s\n",
              static_cast<long long>(rows), static_cast<long long>(cols),
              k == op_kind::conv ? "y" : "x", k == op_kind::conv ? "x" : "y",
              k == op_kind::conv ? "y = W x" : "y = W^T x");
  if (!f.w_file.empty() && !f.w_values.empty())
    throw usage_error("--w / --w-values: give one of them, not both");
  if (!f.w_file.empty() || !f.w_values.empty()) {
    print_matrix(matrix_of(p, k, weights_of(f, wshape)), [](double d) {
      char b[40];
      std::snprintf(b, sizeof b, "%.17g", d);
      return std::string(b);
    });
    return 0;
  }
  print_matrix(matrix_of(p, k, symbols(wshape, false)), [&](const bilinear& e) {
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
