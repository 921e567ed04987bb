#include "case_io.hpp"

#include "tconv/check/npy.hpp"

#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tconv::explore {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* axis_fields[] = {"input",    "kernel",  "stride",        "dilation",
                                       "pad_begin", "pad_end", "output_padding"};

extents& field(problem& p, int i) {
  extents* f[] = {&p.input, &p.kernel, &p.stride, &p.dilation, &p.pad_begin, &p.pad_end, &p.output_padding};
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
      throw usage_error(where + ": \"" + key + "\" must be an array of rank = " + std::to_string(p.rank) +
                        " integers");
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_number_integer())
        throw usage_error(where + ": \"" + key + "\"[" + std::to_string(i) + "] must be an integer");
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

void write_npy_f32(const fs::path& file, const std::vector<std::int64_t>& shape, const std::vector<float>& data) {
  try {
    check::write_npy(file.string(), shape, data.data(), static_cast<std::int64_t>(data.size()));
  } catch (const std::exception& e) {
    throw usage_error(std::string("cannot write ") + file.string() + ": " + e.what());
  }
}

std::vector<float> read_npy_f32(const fs::path& file, std::vector<std::int64_t>& shape, std::int64_t max_elements) {
  check::npy_array a;
  try {
    a = check::read_npy(file.string());  // compares the claimed size with the file's before allocating
  } catch (const check::npy_error& e) {
    throw usage_error(e.what());
  }
  if (a.dtype != check::npy_dtype::float32)
    throw usage_error(file.string() + ": dtype must be float32, the file holds " + check::name(a.dtype));
  if (a.size() > max_elements)
    throw usage_error(file.string() + ": " + std::to_string(a.size()) + " elements, more than the " +
                      std::to_string(max_elements) + " expected");
  shape = a.shape;
  return std::move(a.f);
}

void write_case_dir(const fs::path& dir, const explore_case& c, const json& meta) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw usage_error("cannot create " + dir.string() + ": " + ec.message());
  json j = problem_to_json(c.p);
  if (meta.is_object()) j["tconv_case"] = meta;
  {
    std::ofstream out(dir / "problem.json", std::ios::trunc);
    out << j.dump(1) << '\n';
    if (!out) throw usage_error("cannot write " + (dir / "problem.json").string());
  }
  write_npy_f32(dir / "x.npy", input_shape(c.p), c.x);
  write_npy_f32(dir / "w.npy", weight_shape(c.p, op_kind::conv_transpose), c.w);
  if (c.p.has_bias) write_npy_f32(dir / "b.npy", bias_shape(c.p), c.b);
}

namespace {

json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw usage_error(file.string() + ": cannot open");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw usage_error(file.string() + ": not valid JSON: " + e.what());
  }
}

fs::path case_root(const fs::path& p) { return fs::is_directory(p) ? p : p.parent_path(); }

}  // namespace

explore_case read_case_dir(const fs::path& where) {
  const fs::path dir = case_root(where);
  const fs::path pj = dir / "problem.json";
  if (!fs::exists(pj)) throw usage_error(where.string() + ": not a case (no problem.json in " + dir.string() + ")");
  explore_case c;
  c.p = problem_from_json(read_json(pj), pj.string());
  auto load = [&](const char* file, const std::vector<std::int64_t>& want) {
    std::vector<std::int64_t> shape;
    auto v = read_npy_f32(dir / file, shape, checked_size(want, file));
    if (shape != want)
      throw usage_error((dir / file).string() + ": shape " + detail::to_string(shape) + " but problem.json needs " +
                        detail::to_string(want));
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

}  // namespace tconv::explore
