#pragma once
// Names of tensor elements: "x[0,1,2,3]" from a flat index and a shape.
#include <cstdint>
#include <string>
#include <vector>

namespace tconv::cli {

/// name[i0,i1,...] for the element at `flat` of a C-order tensor of `shape`.
[[nodiscard]] inline std::string element_name(const char* name, std::int64_t flat,
                                              const std::vector<std::int64_t>& shape) {
  std::vector<std::int64_t> idx(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    idx[k] = flat % shape[k];
    flat /= shape[k];
  }
  std::string s = std::string(name) + "[";
  for (std::size_t k = 0; k < idx.size(); ++k) s += (k ? "," : "") + std::to_string(idx[k]);
  return s + "]";
}

}  // namespace tconv::cli
