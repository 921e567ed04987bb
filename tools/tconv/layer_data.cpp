#include "layer_data.hpp"

namespace tconv::cli {

check::npy_array load_npy(const std::string& path, const std::string& flag) {
  try {
    return check::read_npy(path);
  } catch (const check::npy_error& e) {
    throw usage_error(flag + " " + e.what());
  }
}

layer_data load_layer(const std::string& x_path, const std::string& w_path, const std::string& b_path,
                      const layer_flags& flags) {
  layer_data d;
  const auto x = load_npy(x_path, "--x"), w = load_npy(w_path, "--w");
  check::npy_array b;
  d.has_bias = !b_path.empty();
  if (d.has_bias) b = load_npy(b_path, "--b");
  d.op = flags.kind();
  d.p = flags.resolve(x.shape, w.shape, d.has_bias, "--x " + x_path, "--w " + w_path);
  if (d.has_bias) {
    const std::vector<std::int64_t> want{d.p.out_channels};
    if (b.shape != want)
      throw usage_error("--b " + b_path + ": shape " + shape_text(b.shape) + " must be [C_out] = " + shape_text(want));
  }
  d.x_dtype = x.dtype;
  d.doubles = !x.is_float() || !w.is_float() || (d.has_bias && !b.is_float());
  if (d.doubles) {
    d.xd = x.as_double(), d.wd = w.as_double();
    if (d.has_bias) d.bd = b.as_double();
  } else {
    d.xf = x.f, d.wf = w.f;
    if (d.has_bias) d.bf = b.f;
  }
  return d;
}

}  // namespace tconv::cli
