#pragma once
// The hyperparameter flags shared by every subcommand, and their resolution into a canonical
// problem through PyTorch's conventions (the default) or ONNX's (when --pads, --auto-pad or
// --output-shape is given).
#include <cstdint>
#include <string>
#include <vector>

#include "commands.hpp"
#include "tconv/problem.hpp"

namespace tconv::cli {

/// "2" or "2,3" -> {2} or {2, 3}; throws usage_error naming `flag`.
[[nodiscard]] std::vector<std::int64_t> parse_int_list(const std::string& text,
                                                       const std::string& flag);

/// "[1, 2, 3]"
[[nodiscard]] std::string shape_text(const std::vector<std::int64_t>& s);

/// The largest tensor tconv computes (2^28 values: 1 GiB of float32, several GiB of working
/// space): beyond it a layer is refused up front instead of exhausting memory.
inline constexpr std::int64_t max_tensor_elements = std::int64_t{1} << 28;

struct layer_flags {
  std::string stride, padding, pads, dilation, output_padding, groups, auto_pad, output_shape;
  std::string op = "conv_transpose";

  /// Adds --stride ... --op to a subcommand.
  void add_to(CLI::App& app);
  [[nodiscard]] op_kind kind() const;
  /// True when ONNX conventions apply (--pads, --auto-pad or --output-shape given).
  [[nodiscard]] bool onnx() const {
    return !pads.empty() || !auto_pad.empty() || !output_shape.empty();
  }
  /// The canonical problem for x and w of these shapes (`x_what`/`w_what` name them in errors);
  /// every tensor it implies (x, w, y) must hold at most max_tensor_elements values.
  [[nodiscard]] problem resolve(const std::vector<std::int64_t>& x_shape,
                                const std::vector<std::int64_t>& w_shape, bool has_bias,
                                const std::string& x_what, const std::string& w_what) const;

 private:
  [[nodiscard]] problem resolve_layer(const std::vector<std::int64_t>& x_shape,
                                      const std::vector<std::int64_t>& w_shape, bool has_bias,
                                      const std::string& x_what, const std::string& w_what) const;
};

}  // namespace tconv::cli
