#pragma once
// A finding's reproduction: a directory a maintainer can run without tconv and attach to an
// upstream bug report. It holds the minimal case (problem.json, x.npy, w.npy, b.npy in the
// protocol's canonical layouts), expected.npy (the exact result correctly rounded to float32, as
// `tconv run` writes it), expected.txt (the exact value and the bound of each element judged
// wrong), a script in the engine's own language and API that calls the engine and prints got vs
// expected (exit 1 while the bug is there, 0 once fixed), and README.txt.
#include <filesystem>
#include <string>

#include "verify/discover.hpp"
#include "verify/matrix.hpp"

namespace tconv::verify {

/// Where a reproduction was written: its directory and the script in it ("repro.c", ...).
struct reproduction {
  std::filesystem::path dir;
  std::string script;
};

/// The language of e's reproduction script: e.language, else "c" for a plugin, "" for a command
/// (a shell script speaking the directory protocol).
[[nodiscard]] std::string repro_language(const impl_entry& e);

/// Writes out_dir/repro/<e.name>/<f.id>/ for finding f of cell (e, region) (replacing an earlier
/// one); `run_dir` is where a command is started from (verify's working directory). Throws
/// std::exception (usage_error, std::filesystem::filesystem_error) when it cannot.
[[nodiscard]] reproduction write_reproduction(const std::filesystem::path& out_dir,
                                              const impl_entry& e, const finding& f,
                                              const std::string& region,
                                              const std::filesystem::path& run_dir);

}  // namespace tconv::verify
