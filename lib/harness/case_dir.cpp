#include "harness/case_dir.hpp"

#include <unistd.h>

#include <atomic>
#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tconv/check/npy.hpp"
#include "tconv/io/atomic_file.hpp"
#include "tconv/io/read_file.hpp"

namespace tconv::harness {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* axis_fields[] = {"input",     "kernel",  "stride",        "dilation",
                                       "pad_begin", "pad_end", "output_padding"};

extents& field(problem& p, int i) {
  extents* f[] = {&p.input,     &p.kernel,  &p.stride,        &p.dilation,
                  &p.pad_begin, &p.pad_end, &p.output_padding};
  return *f[i];
}

std::int64_t get_int(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key)) throw usage_error(where + ": missing field \"" + key + "\"");
  const json& v = j.at(key);
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (!v.is_number_integer()) throw usage_error(where + ": \"" + key + "\" must be an integer");
  return v.get<std::int64_t>();
}

}  // namespace

json problem_to_json(const problem& p) {
  json j;
  j["rank"] = p.rank;
  j["batch"] = p.batch;
  j["in_channels"] = p.in_channels;
  j["out_channels"] = p.out_channels;
  j["groups"] = p.groups;
  problem q = p;
  for (int f = 0; f < 7; ++f) {
    const extents& e = field(q, f);
    j[axis_fields[f]] = std::vector<std::int64_t>(e.begin(), e.begin() + p.rank);
  }
  const auto out = output_extents(p, op_kind::conv_transpose);
  j["output"] = std::vector<std::int64_t>(out.begin(), out.begin() + p.rank);
  j["has_bias"] = p.has_bias ? 1 : 0;
  return j;
}

problem problem_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) throw usage_error(where + ": must hold a JSON object");
  problem p;
  p.rank = get_int(j, "rank", where);
  if (p.rank < 1 || p.rank > max_rank) throw usage_error(where + ": \"rank\" must be 1, 2 or 3");
  p.batch = get_int(j, "batch", where);
  p.in_channels = get_int(j, "in_channels", where);
  p.out_channels = get_int(j, "out_channels", where);
  p.groups = get_int(j, "groups", where);
  for (int f = 0; f < 7; ++f) {
    const char* key = axis_fields[f];
    if (!j.contains(key)) throw usage_error(where + ": missing field \"" + key + "\"");
    const json& a = j.at(key);
    if (!a.is_array() || static_cast<std::int64_t>(a.size()) != p.rank)
      throw usage_error(where + ": \"" + key +
                        "\" must be an array of rank = " + std::to_string(p.rank) + " integers");
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_number_integer())
        throw usage_error(where + ": \"" + key + "\"[" + std::to_string(i) +
                          "] must be an integer");
      field(p, f)[i] = a[i].get<std::int64_t>();
    }
  }
  const std::int64_t bias = get_int(j, "has_bias", where);
  if (bias != 0 && bias != 1) throw usage_error(where + ": \"has_bias\" must be 0 or 1");
  p.has_bias = bias == 1;
  if (const auto fault = find_fault(p, op_kind::conv_transpose))
    throw usage_error(where + ": not a valid conv_transpose: " + describe(fault));
  // The explorer only stores small cases; refusing large ones keeps a hostile file from allocating.
  try {
    validate_sizes(p, op_kind::conv_transpose, std::int64_t{1} << 26);
  } catch (const invalid_problem& e) {
    throw usage_error(where + ": " + e.what());
  }
  return p;
}

void write_npy_f32(const fs::path& file, const std::vector<std::int64_t>& shape,
                   const std::vector<float>& data, bool durable) {
  try {
    check::write_npy(file.string(), shape, data.data(), static_cast<std::int64_t>(data.size()),
                     durable);
  } catch (const std::exception& e) {
    throw usage_error(std::string("cannot write ") + file.string() + ": " + e.what());
  }
}

std::vector<float> read_npy_f32(const fs::path& file, std::vector<std::int64_t>& shape,
                                std::int64_t max_elements) {
  check::npy_array a;
  try {
    // the header's size is compared with the file's and with max_elements before anything is read
    a = check::read_npy(file.string(), max_elements);
  } catch (const check::npy_too_large& e) {
    throw npy_too_large_error(e.what(), e.shape);
  } catch (const check::npy_error& e) {
    throw usage_error(e.what());
  }
  if (a.dtype != check::npy_dtype::float32)
    throw usage_error(file.string() + ": dtype must be float32, the file holds " +
                      check::name(a.dtype));
  if (a.size() > max_elements)
    throw usage_error(file.string() + ": " + std::to_string(a.size()) +
                      " elements, more than the " + std::to_string(max_elements) + " expected");
  shape = a.shape;
  return std::move(a.f);
}

std::string dump_json(const json& j, int indent) {
  // an implementation's text and paths need not be UTF-8: such bytes become U+FFFD, not a throw
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

void write_case_dir(const fs::path& dir, const explore_case& c, const json& meta, bool durable) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw usage_error("cannot create " + dir.string() + ": " + ec.message());
  json j = problem_to_json(c.p);
  if (c.form) j["convention"] = to_json(*c.form);  // the case posed in an engine's convention
  if (meta.is_object()) j["tconv_case"] = meta;
  try {
    io::write_atomically(dir / "problem.json", dump_json(j, 1) + "\n", durable);
  } catch (const io::write_error& e) {
    throw usage_error(e.what());
  }
  write_npy_f32(dir / "x.npy", input_shape(c.p), c.x, durable);
  write_npy_f32(dir / "w.npy", weight_shape(c.p, op_kind::conv_transpose), c.w, durable);
  if (c.p.has_bias) write_npy_f32(dir / "b.npy", bias_shape(c.p), c.b, durable);
}

fs::path store_case(const fs::path& root, const std::string& name, const explore_case& c,
                    const json& meta) {
  static std::atomic<unsigned> counter{0};
  const fs::path final_dir = root / name;
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const fs::path tmp = root / (".tmp-" + name + "-" + tag);
  struct remove_at_exit {
    fs::path d;
    ~remove_at_exit() {
      std::error_code ec;
      fs::remove_all(d, ec);
    }
  } cleanup{tmp};
  write_case_dir(tmp, c, meta, true);
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (::rename(tmp.c_str(), final_dir.c_str()) == 0) return final_dir;
    const int err = errno;
    if (err != EEXIST && err != ENOTEMPTY)
      throw usage_error("cannot store " + final_dir.string() + ": " + std::strerror(err));
    // the same case (same name = same fingerprint) is there already: keep it if it reads back
    try {
      (void)read_case_dir(final_dir);
      return final_dir;
    } catch (const usage_error&) {
    } catch (const invalid_problem&) {
    }
    // a damaged entry (an older tconv, a crash): moved aside, then replaced
    const fs::path aside = root / (".damaged-" + name + "-" + tag);
    if (::rename(final_dir.c_str(), aside.c_str()) == 0) {
      std::error_code ec;
      fs::remove_all(aside, ec);
    }
  }
  throw usage_error("cannot store " + final_dir.string() +
                    ": it keeps changing (another process writes it)");
}

namespace {

json read_json(const fs::path& file) {
  std::string text;
  try {
    text = io::read_regular_file(file, std::int64_t{16} << 20);
  } catch (const io::read_error& e) {
    throw usage_error(e.what());
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw usage_error(file.string() + ": not valid JSON: " + e.what());
  }
}

fs::path case_root(const fs::path& p) {
  std::error_code ec;
  const auto st = fs::status(p, ec);
  if (fs::is_directory(st)) return p;
  if (fs::exists(st) && !fs::is_regular_file(st))
    throw usage_error(p.string() +
                      ": neither a case directory nor its problem.json (a FIFO or a device)");
  return p.parent_path().empty() ? fs::path(".") : p.parent_path();
}

}  // namespace

explore_case read_case_dir(const fs::path& where) {
  const fs::path dir = case_root(where);
  const fs::path pj = dir / "problem.json";
  if (std::error_code ec; !fs::exists(fs::symlink_status(pj, ec)))
    throw usage_error(where.string() + ": not a case (no problem.json in " + dir.string() + ")");
  explore_case c;
  const json j = read_json(pj);
  c.p = problem_from_json(j, pj.string());
  if (j.contains("convention")) c.form = form_from_json(j.at("convention"), pj.string());
  auto load = [&](const char* file, const std::vector<std::int64_t>& want) {
    std::vector<std::int64_t> shape;
    auto v = read_npy_f32(dir / file, shape, checked_size(want, file));
    if (shape != want)
      throw usage_error((dir / file).string() + ": shape " + detail::to_string(shape) +
                        " but problem.json needs " + detail::to_string(want));
    return v;
  };
  c.x = load("x.npy", input_shape(c.p));
  c.w = load("w.npy", weight_shape(c.p, op_kind::conv_transpose));
  if (c.p.has_bias) c.b = load("b.npy", bias_shape(c.p));
  return c;
}

json read_case_meta(const fs::path& where) {
  const json j = read_json(case_root(where) / "problem.json");
  return j.contains("tconv_case") ? j.at("tconv_case") : json();
}

}  // namespace tconv::harness
