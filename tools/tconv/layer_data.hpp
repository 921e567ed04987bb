#pragma once
// x, w and b loaded from .npy files and resolved into a problem.
#include <string>
#include <vector>

#include "layer_flags.hpp"
#include "tconv/check/npy.hpp"

namespace tconv::cli {

struct layer_data {
  problem p;
  op_kind op = op_kind::conv_transpose;
  bool has_bias = false;
  bool doubles = false;      // float64 or integer inputs: exact float64 path
  check::npy_array x, w, b;  // float inputs (float16, float32: read directly where possible)
  std::vector<double> xd, wd, bd;
  [[nodiscard]] const float* xf() const { return x.floats(); }
  [[nodiscard]] const float* wf() const { return w.floats(); }
  [[nodiscard]] const float* bf() const { return has_bias ? b.floats() : nullptr; }
  check::npy_dtype x_dtype = check::npy_dtype::float32;
};

/// Reads an .npy file named by `flag`; errors name both. `direct`: native float32 data is read as
/// it is, straight into whole 2 MiB pages (check::read_npy_direct).
[[nodiscard]] check::npy_array load_npy(const std::string& path, const std::string& flag,
                                        bool direct = false);

/// Loads x, w (and b when b_path is not empty) and resolves the layer.
[[nodiscard]] layer_data load_layer(const std::string& x_path, const std::string& w_path,
                                    const std::string& b_path, const layer_flags& flags);

}  // namespace tconv::cli
