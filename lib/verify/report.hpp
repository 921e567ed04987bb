#pragma once
// The verify matrix written out: as text (what `tconv verify` prints), as a self-contained HTML
// page and as the JSON report. The only place the matrix becomes text.
#include <string>

#include "verify/matrix.hpp"

namespace tconv::verify {

/// The matrix and the findings as text (what run_verify prints).
[[nodiscard]] std::string render_text(const matrix& m);

/// A self-contained HTML report (inline CSS, no external assets).
[[nodiscard]] std::string render_html(const matrix& m);

/// The JSON report (--json), indented by 2, with a final newline.
[[nodiscard]] std::string render_json(const matrix& m);

}  // namespace tconv::verify
