#include "layer_data.hpp"

namespace tconv::cli {

check::npy_array load_npy(const std::string& path, const std::string& flag, bool direct) {
  try {
    return direct ? check::read_npy_direct(path) : check::read_npy(path);
  } catch (const check::npy_error& e) {
    throw usage_error(flag + " " + e.what());
  }
}

layer_data load_layer(const std::string& x_path, const std::string& w_path,
                      const std::string& b_path, const layer_flags& flags) {
  layer_data d;
  auto x = load_npy(x_path, "--x", true), w = load_npy(w_path, "--w", true);
  check::npy_array b;
  d.has_bias = !b_path.empty();
  if (d.has_bias) b = load_npy(b_path, "--b", true);
  d.op = flags.kind();
  d.p = flags.resolve(x.shape, w.shape, d.has_bias, "--x " + x_path, "--w " + w_path);
  if (d.has_bias) {
    const std::vector<std::int64_t> want{d.p.out_channels};
    if (b.shape != want)
      throw usage_error("--b " + b_path + ": shape " + shape_text(b.shape) +
                        " must be [C_out] = " + shape_text(want));
  }
  d.x_dtype = x.dtype;
  d.doubles = !x.is_float() || !w.is_float() || (d.has_bias && !b.is_float());
  // moved, not copied: each tensor is held once
  auto doubles = [](check::npy_array& a) { return a.is_float() ? a.as_double() : std::move(a.d); };
  if (d.doubles) {
    d.xd = doubles(x), d.wd = doubles(w);
    if (d.has_bias) d.bd = doubles(b);
  } else {
    d.x = std::move(x), d.w = std::move(w);
    if (d.has_bias) d.b = std::move(b);
  }
  return d;
}

}  // namespace tconv::cli
