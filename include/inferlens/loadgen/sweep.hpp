// Sweeps: concurrency (or rate) × ISL/OSL grids, also from a JSON matrix in the spirit of
// InferenceMAX's master config. Each point is one run with InferenceMAX's closed-loop recipe by
// default (prompts = k × c, 2 × c warm-ups that are excluded), aggregated the vLLM way and
// written as it completes (result JSON, per-request JSONL, the sweep table, the run manifest),
// never through a planted symlink and never into the results of another run by accident; and
// after every point a self-contained HTML report of the sweep (report.html).
#pragma once

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "inferlens/error.hpp"
#include "inferlens/loadgen/client.hpp"
#include "inferlens/loadgen/metrics.hpp"
#include "inferlens/loadgen/output.hpp"
#include "inferlens/loadgen/progress.hpp"
#include "inferlens/loadgen/report.hpp"
#include "inferlens/loadgen/schedule.hpp"
#include "inferlens/loadgen/workload.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// Where prompts come from.
struct dataset_options {
  enum class source { random, jsonl, trace };
  source kind = source::random;
  std::string path;  ///< jsonl / trace file
  double range_ratio = 0.0;  ///< 0 with the vllm convention: every request exactly ISL/OSL
  range_convention convention = range_convention::vllm;
  std::uint64_t seed = 0;
  double trace_time_scale = 1.0;
  std::int32_t token_id_min = 1000, token_id_max = 30000;
  std::int64_t prefix_len = 0;  ///< random: a shared prefix of this many tokens (--random-prefix-len)
};

/// "random", "jsonl:FILE" or "trace:FILE".
inline dataset_options parse_dataset(std::string_view spec) {
  dataset_options d;
  if (spec == "random") return d;
  const auto colon = spec.find(':');
  const std::string_view kind = spec.substr(0, colon);
  if (colon == std::string_view::npos || colon + 1 == spec.size())
    throw input_error({"--dataset", {}, {}, std::string(spec)}, "expected random, jsonl:FILE or trace:FILE");
  d.path = std::string(spec.substr(colon + 1));
  if (kind == "jsonl") d.kind = dataset_options::source::jsonl;
  else if (kind == "trace") d.kind = dataset_options::source::trace;
  else throw input_error({"--dataset", {}, {}, std::string(spec)}, "expected random, jsonl:FILE or trace:FILE");
  return d;
}

/// One point of a sweep: identity plus the load.
struct sweep_point {
  benchmark_point identity;  ///< model, hw, framework, tp, gpus, ... (isl/osl/conc/rate are set from below)
  std::int64_t isl = 1024, osl = 1024;
  std::optional<std::int64_t> concurrency;  ///< closed loop at c; with a rate: the in-flight cap
  std::optional<double> rate;               ///< open loop at this many requests per second
};

/// How every point of a sweep runs.
struct sweep_options {
  client_options client;
  dataset_options dataset;
  std::size_t prompts_per_concurrency = 10;  ///< closed loop: prompts = k × c (InferenceMAX: 10)
  std::optional<std::size_t> num_prompts;    ///< a fixed count instead (open loop default: 1000)
  std::size_t warmups_per_concurrency = 2;   ///< warm-ups = w × c (InferenceMAX: 2), excluded
  arrival_process arrival = arrival_process::poisson;
  double burstiness = 1.0;
  ramp_up ramp;
  std::optional<double> max_duration_s;  ///< per point
  aggregate_options metrics;
  std::vector<double> percentiles;  ///< extra p{P}_* keys in each result (vLLM --metric-percentiles)
  std::filesystem::path out_dir;  ///< empty: nothing written
  /// What to do when out_dir already holds files: refuse (the default), overwrite this run's kind
  /// of files (results/, requests/, sweep.json, run.json), or append a new run beside them.
  enum class existing { refuse, overwrite, append };
  existing if_exists = existing::refuse;
  std::string run_id;             ///< recorded in every point ("run"); empty: date-time and a random tag
  bool write_requests = true;     ///< per-request JSONL under out_dir/requests
  /// out_dir/report.html after every point: the sweep's frontier, latency distributions and
  /// timelines (bench_report_html), rewritten as the sweep goes.
  bool write_report = true;
  /// Lines at the top of the report besides the server, model and run (e.g. the command).
  std::vector<std::pair<std::string, std::string>> report_facts;
  /// A simulated server that runs its model faster than real time (sim time_scale: wall seconds
  /// per model second) is reported in model time: measured durations are divided by it before
  /// aggregation, and rates, trace arrivals and durations are read in model time. 1 for real
  /// servers. Per-request JSONL keeps the wall-clock measurements; timeouts stay wall time.
  double time_scale = 1.0;
};

/// What one point produced.
struct point_result {
  sweep_point spec;
  run_summary summary;
  nlohmann::json raw;  ///< the result JSON (also in result_file)
  /// Requests in flight and output tokens/s over the point's run (model time with a time scale).
  std::vector<bench_timeline_sample> timeline;
  std::filesystem::path result_file, requests_file;
  std::size_t connections = 0, retried = 0, found_closed = 0;
  bool token_ids = false;
  bool stopped = false;
  /// Stopped before any measured request finished (during the probe or the warm-ups): nothing
  /// was measured, so nothing is written and the point is not in the sweep.
  bool skipped = false;
};

struct sweep_hooks {
  std::function<void(const point_result&)> on_point;  ///< after each point (skipped ones too)
  progress_display* progress = nullptr;                ///< the live line / periodic lines
  const std::atomic<bool>* stop = nullptr;             ///< ends the current point and the sweep
  /// Polled with each progress update: a non-empty answer is printed once per point as a
  /// warning (e.g. "the simulated server cannot hold its time scale").
  std::function<std::string()> health;
};

/// Concurrencies start, start·step, ... up to end, the last one clamped to end (InferenceMAX's
/// conc-start/conc-end expansion).
inline std::vector<std::int64_t> geometric_range(std::int64_t start, std::int64_t end, std::int64_t step = 2) {
  if (start < 1 || end < start || step < 2)
    throw input_error({"", {}, {}, "conc-start/conc-end"}, "expected 1 <= conc-start <= conc-end and step >= 2");
  std::vector<std::int64_t> v;
  for (std::int64_t c = start;;) {
    v.push_back(c);
    if (c == end) break;
    c = c > end / step ? end : c * step;  // never past end, never overflowing
  }
  return v;
}

/// Every ISL/OSL pair × every concurrency, then × every rate (rates combine with the first
/// concurrency as a cap only when exactly one concurrency is given).
inline std::vector<sweep_point> grid(const benchmark_point& identity, std::span<const std::pair<std::int64_t, std::int64_t>> seq_lens,
                                     std::span<const std::int64_t> concurrencies, std::span<const double> rates = {}) {
  std::vector<sweep_point> out;
  for (const auto& [isl, osl] : seq_lens) {
    if (rates.empty()) {
      for (auto c : concurrencies) out.push_back({identity, isl, osl, c, std::nullopt});
    } else {
      std::optional<std::int64_t> cap;
      if (concurrencies.size() == 1) cap = concurrencies[0];
      for (double r : rates) out.push_back({identity, isl, osl, cap, r});
    }
  }
  return out;
}

namespace detail {

inline void matrix_identity(const nlohmann::json& j, benchmark_point& p, const input_location& where) {
  auto text = [&](const char* key, std::string& slot) {
    if (auto it = j.find(key); it != j.end()) {
      if (!it->is_string()) throw input_error({where.file, where.row, {}, key}, "expected a string");
      slot = it->get<std::string>();
    }
  };
  auto integer = [&](const char* key, std::optional<std::int64_t>& slot) {
    if (auto it = j.find(key); it != j.end()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 1)
        throw input_error({where.file, where.row, {}, key}, "expected a positive integer");
      slot = it->get<std::int64_t>();
    }
  };
  text("model", p.model);
  text("model-prefix", p.model_prefix);
  text("framework", p.framework);
  text("precision", p.precision);
  text("image", p.image);
  text("runner", p.hw);
  text("hw", p.hw);
  text("spec-decoding", p.spec_decoding);
  integer("tp", p.tp);
  integer("ep", p.ep);
  integer("pp", p.pp);
  integer("gpus", p.num_gpus);
  if (auto it = j.find("dp-attn"); it != j.end() && it->is_boolean()) p.dp_attention = it->get<bool>();
}

inline std::vector<std::int64_t> matrix_concurrencies(const nlohmann::json& row, const input_location& where) {
  if (auto it = row.find("conc-list"); it != row.end()) {
    if (!it->is_array() || it->empty()) throw input_error({where.file, where.row, {}, "conc-list"}, "expected a non-empty list");
    std::vector<std::int64_t> v;
    for (const auto& c : *it) {
      if (!c.is_number_integer() || c.get<std::int64_t>() < 1)
        throw input_error({where.file, where.row, {}, "conc-list"}, "expected positive integers");
      v.push_back(c.get<std::int64_t>());
    }
    return v;
  }
  const auto s = row.find("conc-start"), e = row.find("conc-end");
  if (s == row.end() || e == row.end()) return {};
  if (!s->is_number_integer() || !e->is_number_integer())
    throw input_error({where.file, where.row, {}, "conc-start"}, "expected integers");
  std::int64_t step = 2;
  if (auto st = row.find("step"); st != row.end() && st->is_number_integer()) step = st->get<std::int64_t>();
  try {
    return geometric_range(s->get<std::int64_t>(), e->get<std::int64_t>(), step);
  } catch (const input_error& err) {
    throw input_error({where.file, where.row, {}, "conc-start"}, err.message());
  }
}

inline std::vector<double> matrix_rates(const nlohmann::json& row, const input_location& where) {
  std::vector<double> v;
  if (auto it = row.find("rate-list"); it != row.end()) {
    if (!it->is_array()) throw input_error({where.file, where.row, {}, "rate-list"}, "expected a list");
    for (const auto& r : *it) {
      if (!r.is_number() || !(r.get<double>() > 0)) throw input_error({where.file, where.row, {}, "rate-list"}, "expected rates > 0");
      v.push_back(r.get<double>());
    }
  }
  return v;
}

// One entry: identity keys, then scenarios (a list, or {"fixed-seq-len": [...]}) or seq-len-configs.
inline void matrix_entry(const nlohmann::json& entry, benchmark_point identity, const std::string& file,
                         std::vector<sweep_point>& out) {
  input_location where{file, out.size() + 1, {}, ""};
  if (!entry.is_object()) throw input_error(where, "expected an object per matrix entry");
  matrix_identity(entry, identity, where);
  std::vector<const nlohmann::json*> scenarios;
  auto add_list = [&](const nlohmann::json& list, const char* key) {
    if (!list.is_array()) throw input_error({file, where.row, {}, key}, "expected a list of {isl, osl, ...}");
    for (const auto& s : list) scenarios.push_back(&s);
  };
  if (auto it = entry.find("scenarios"); it != entry.end()) {
    if (it->is_object()) {
      for (const auto& [name, list] : it->items()) add_list(list, "scenarios");
    } else {
      add_list(*it, "scenarios");
    }
  } else if (auto sl = entry.find("seq-len-configs"); sl != entry.end()) {
    add_list(*sl, "seq-len-configs");
  } else if (entry.contains("isl")) {
    scenarios.push_back(&entry);
  } else {
    throw input_error(where, "matrix entry has no \"scenarios\" (or \"seq-len-configs\", or isl/osl)");
  }
  for (const nlohmann::json* sc : scenarios) {
    where.row = out.size() + 1;
    if (!sc->is_object() || !sc->contains("isl") || !sc->contains("osl") || !(*sc)["isl"].is_number_integer() ||
        !(*sc)["osl"].is_number_integer())
      throw input_error({file, where.row, {}, "isl"}, "each scenario needs integer \"isl\" and \"osl\"");
    const std::int64_t isl = (*sc)["isl"].get<std::int64_t>(), osl = (*sc)["osl"].get<std::int64_t>();
    for (const char* key : {"isl", "osl"})
      if (!(*sc)[key].is_number_unsigned() || (*sc)[key].get<std::int64_t>() < 1)  // (an unsigned beyond 2^63 reads negative)
        throw input_error({file, where.row, {}, key}, "expected a positive integer, got " + (*sc)[key].dump());
    benchmark_point scenario_identity = identity;
    matrix_identity(*sc, scenario_identity, where);
    std::vector<const nlohmann::json*> rows;
    if (auto ss = sc->find("search-space"); ss != sc->end()) {
      if (!ss->is_array()) throw input_error({file, where.row, {}, "search-space"}, "expected a list");
      for (const auto& r : *ss) rows.push_back(&r);
    } else {
      rows.push_back(sc);
    }
    for (const nlohmann::json* row : rows) {
      benchmark_point id = scenario_identity;
      matrix_identity(*row, id, where);
      const auto concs = matrix_concurrencies(*row, where);
      const auto rates = matrix_rates(*row, where);
      if (concs.empty() && rates.empty())
        throw input_error({file, where.row, {}, "conc-list"}, "give conc-list, conc-start/conc-end or rate-list");
      const std::pair<std::int64_t, std::int64_t> sl[] = {{isl, osl}};
      for (auto& p : grid(id, sl, concs, rates)) out.push_back(std::move(p));
    }
  }
}

}  // namespace detail

/// A sweep matrix from JSON. Accepted shapes:
///   {"model": ..., "framework": ..., "scenarios": [{"isl": 1024, "osl": 1024, "conc-list": [1, 2, 4]}]}
///   [ entry, entry, ... ]
///   {"name": entry, ...}  — InferenceMAX's master config converted to JSON, where an entry has
///   "scenarios": {"fixed-seq-len": [{"isl", "osl", "search-space": [{"tp", "conc-start", "conc-end"}]}]}
/// Identity keys (model, model-prefix, framework, precision, image, runner/hw, spec-decoding, tp,
/// ep, pp, gpus, dp-attn) may appear at any level; inner levels override. `defaults` fills what
/// the matrix leaves out.
inline std::vector<sweep_point> parse_matrix(const nlohmann::json& m, const benchmark_point& defaults,
                                             const std::string& file = "<matrix>") {
  std::vector<sweep_point> out;
  if (m.is_array()) {
    for (const auto& e : m) detail::matrix_entry(e, defaults, file, out);
  } else if (m.is_object() && (m.contains("scenarios") || m.contains("seq-len-configs") || m.contains("isl"))) {
    detail::matrix_entry(m, defaults, file, out);
  } else if (m.is_object() && !m.empty()) {
    for (const auto& [name, e] : m.items()) detail::matrix_entry(e, defaults, file, out);
  } else {
    throw input_error({file, {}, {}, ""}, "expected a matrix object or a list of entries");
  }
  if (out.empty()) throw input_error({file, {}, {}, ""}, "the matrix has no points");
  return out;
}

inline std::vector<sweep_point> load_matrix(const std::filesystem::path& path, const benchmark_point& defaults) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(status)) throw input_error({path.string(), {}, {}, ""}, "is a directory, not a file");
  if (!ec && !std::filesystem::is_regular_file(status) && !std::filesystem::is_fifo(status))
    throw input_error({path.string(), {}, {}, ""}, "not a regular file (a device or socket)");
  constexpr std::uintmax_t limit = std::uintmax_t{64} << 20;  // a matrix is a few kB
  if (!ec && std::filesystem::is_regular_file(status) && std::filesystem::file_size(path, ec) > limit && !ec)
    throw input_error({path.string(), {}, {}, ""}, "larger than the limit of " + std::to_string(limit) + " bytes");
  std::ifstream in(path);
  if (!in) throw input_error({path.string(), {}, {}, ""}, "cannot open file");
  nlohmann::json m;
  try {
    m = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error({path.string(), {}, e.byte, ""}, std::string("not valid JSON: ") + e.what());
  } catch (const nlohmann::json::exception& e) {  // a number that overflows a double (out_of_range.406)
    throw input_error({path.string(), {}, {}, ""}, std::string("not valid JSON: ") + e.what());
  }
  return parse_matrix(m, defaults, path.string());
}

namespace detail {

inline std::string point_label(const sweep_point& p) {
  std::string s = std::to_string(p.isl) + "/" + std::to_string(p.osl);
  if (p.rate) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " rate %g", *p.rate);
    s += buf;
  }
  if (p.concurrency) s += (p.rate ? " cap " : " conc ") + std::to_string(*p.concurrency);
  return s;
}

/// A run id: local date-time and a random tag, e.g. 20261201-211137-3f9a.
inline std::string new_run_id() {
  const std::time_t t = std::time(nullptr);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&t));
  char tag[8];
  std::snprintf(tag, sizeof tag, "%04x", static_cast<unsigned>(rng(static_cast<std::uint64_t>(t) ^ (static_cast<std::uint64_t>(::getpid()) << 32)).next() & 0xffff));
  return std::string(buf) + "-" + tag;
}

inline bool is_real_directory(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::symlink_status(p, ec).type() == std::filesystem::file_type::directory;
}

// The output directory, made ready: it exists, results/ and requests/ are real directories (not
// symlinks), and it holds no earlier run unless the caller said what to do with it. Returns the
// earlier runs' sweep rows (append) and manifest entries.
struct out_dir_state {
  nlohmann::json previous_points = nlohmann::json::array();
  nlohmann::json previous_runs = nlohmann::json::array();
};

inline out_dir_state prepare_out_dir(const std::filesystem::path& dir, sweep_options::existing mode) {
  namespace fs = std::filesystem;
  out_dir_state st;
  std::error_code ec;
  const input_location where{"--out", {}, {}, dir.string()};
  if (fs::exists(fs::symlink_status(dir, ec)) && !fs::is_directory(dir, ec)) throw input_error(where, "exists and is not a directory");
  fs::create_directories(dir, ec);
  if (ec) throw input_error(where, "cannot create the directory: " + ec.message());
  for (const char* sub : {"results", "requests"}) {
    const fs::path p = dir / sub;
    if (fs::exists(fs::symlink_status(p, ec)) && !is_real_directory(p))
      throw input_error({p.string(), {}, {}, ""}, "is not a directory (a symlink is refused: results would land elsewhere)");
  }
  const bool empty = fs::is_empty(dir, ec);
  if (!empty && mode == sweep_options::existing::refuse)
    throw input_error(where, "is not empty: give --overwrite (replace its results) or --append (add a new run beside them)");
  if (!empty && mode == sweep_options::existing::overwrite) {
    // only the files a run writes: results/*.json, requests/*.jsonl, sweep.json, run.json
    const std::pair<const char*, const char*> ours[] = {{"results", ".json"}, {"requests", ".jsonl"}};
    for (const auto& [sub, ext] : ours) {
      if (!is_real_directory(dir / sub)) continue;
      for (const auto& e : fs::directory_iterator(dir / sub, ec))
        if (e.path().extension() == ext || e.path().string().find(".tmp.") != std::string::npos) fs::remove(e.path(), ec);
    }
    fs::remove(dir / "sweep.json", ec);
    fs::remove(dir / "run.json", ec);
    fs::remove(dir / "report.html", ec);
  }
  if (!empty && mode == sweep_options::existing::append) {
    const auto read = [&](const fs::path& p, nlohmann::json& into, const char* key) {
      if (!fs::exists(fs::symlink_status(p, ec))) return;
      std::ifstream in(p);
      const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
      const nlohmann::json* v = key && j.is_object() && j.contains(key) ? &j[key] : &j;
      if (j.is_discarded() || !v->is_array())
        throw input_error({p.string(), {}, {}, ""}, "cannot append: not the JSON array a run writes (move it away or use --overwrite)");
      into = *v;
    };
    read(dir / "sweep.json", st.previous_points, nullptr);
    read(dir / "run.json", st.previous_runs, "runs");
  }
  for (const char* sub : {"results", "requests"}) fs::create_directories(dir / sub, ec);
  return st;
}

// A file name under `dir` not used yet: stem + ext, else stem_<run id> + ext, else stem_<run id>-2, ...
inline std::filesystem::path unused_path(const std::filesystem::path& dir, const std::string& stem, const std::string& run_id,
                                         const std::string& ext) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto taken = [&](const fs::path& p) { return fs::exists(fs::symlink_status(p, ec)); };
  fs::path p = dir / (stem + ext);
  if (!taken(p)) return p;
  p = dir / (stem + "_" + run_id + ext);
  for (int n = 2; taken(p); ++n) p = dir / (stem + "_" + run_id + "-" + std::to_string(n) + ext);
  return p;
}

// sweep.json: the library's own JSON, one point per line, the earlier runs' rows first.
inline void write_sweep_table(const std::filesystem::path& file, const nlohmann::json& previous,
                              std::span<const point_result> done) {
  std::string text = "[";
  bool first = true;
  const auto add = [&](const nlohmann::json& row) {
    text += first ? "\n" : ",\n";
    first = false;
    text += safe_dump(row);
  };
  for (const auto& row : previous) add(row);
  for (const auto& r : done) add(nlohmann::json(r.summary.point));
  text += first ? "]\n" : "\n]\n";
  write_file_replacing(file, text);
}

}  // namespace detail

/// The prompts and schedule of one point.
struct point_plan {
  run_plan plan;
  std::int64_t isl = 0, osl = 0;  ///< nominal lengths for the identity
};

inline point_plan plan_point(const sweep_options& o, const sweep_point& sp, std::span<const prompt> file_prompts = {}) {
  point_plan pp;
  run_plan& plan = pp.plan;
  pp.isl = sp.isl;
  pp.osl = sp.osl;
  const std::size_t conc = sp.concurrency ? static_cast<std::size_t>(*sp.concurrency) : 0;
  if (sp.concurrency && *sp.concurrency < 1) throw input_error({"", {}, {}, "concurrency"}, "concurrency must be >= 1");
  std::size_t n = 0;
  if (o.dataset.kind == dataset_options::source::trace) {
    n = o.num_prompts.value_or(file_prompts.size());
  } else if (sp.rate) {
    n = o.num_prompts.value_or(o.max_duration_s ? static_cast<std::size_t>(std::ceil(*sp.rate * *o.max_duration_s * 1.5)) + 16
                                                : std::size_t{1000});
  } else {
    n = o.num_prompts.value_or(o.prompts_per_concurrency * std::max<std::size_t>(conc, 1));
  }
  if (n == 0) throw input_error({"", {}, {}, "num_prompts"}, "a point needs at least one prompt");
  switch (o.dataset.kind) {
    case dataset_options::source::random: {
      random_options ro;
      ro.isl = sp.isl;
      ro.osl = sp.osl;
      ro.range_ratio = o.dataset.range_ratio;
      ro.convention = o.dataset.convention;
      ro.seed = o.dataset.seed;
      ro.token_id_min = o.dataset.token_id_min;
      ro.token_id_max = o.dataset.token_id_max;
      ro.prefix_len = o.dataset.prefix_len;
      plan.prompts = random_prompts(ro, n);
      break;
    }
    case dataset_options::source::jsonl:
    case dataset_options::source::trace: {
      if (file_prompts.empty()) throw input_error({o.dataset.path, {}, {}, ""}, "no prompts");
      plan.prompts.reserve(n);
      for (std::size_t i = 0; i < n; ++i) plan.prompts.push_back(file_prompts[i % file_prompts.size()]);
      if (o.dataset.kind == dataset_options::source::trace) {
        if (n > file_prompts.size()) plan.prompts.resize(file_prompts.size());
        plan.deadlines = trace_schedule(plan.prompts);
      }
      // the nominal lengths of a file are its means
      double in = 0, out = 0;
      for (const auto& p : plan.prompts) {
        in += static_cast<double>(p.input_len);
        out += static_cast<double>(p.output_len);
      }
      pp.isl = static_cast<std::int64_t>(std::llround(in / static_cast<double>(plan.prompts.size())));
      pp.osl = static_cast<std::int64_t>(std::llround(out / static_cast<double>(plan.prompts.size())));
      break;
    }
  }
  if (sp.rate && o.dataset.kind != dataset_options::source::trace) {
    rate_options ro;
    ro.rate = *sp.rate;
    ro.process = o.arrival;
    ro.burstiness = o.burstiness;
    ro.seed = o.dataset.seed;
    ro.ramp = o.ramp;
    plan.deadlines = open_loop_schedule(ro, plan.prompts.size());
  }
  plan.max_concurrency = conc;
  plan.warmups = o.warmups_per_concurrency * std::max<std::size_t>(conc, 1);
  plan.max_duration_s = o.max_duration_s;
  return pp;
}

/// Where a sweep writes: the directory, its run id, and what earlier runs left there.
struct sweep_output {
  std::filesystem::path dir;  ///< empty: nothing is written
  std::string run_id;
  nlohmann::json previous_points = nlohmann::json::array();  ///< earlier runs' sweep.json rows (append)
  nlohmann::json previous_runs = nlohmann::json::array();    ///< earlier runs' run.json entries (append)
};

/// Run one point: plan, run, aggregate, write. `file_prompts` holds a jsonl/trace dataset. A
/// point stopped before any measured request finished is skipped (nothing written); one stopped
/// later is written marked partial.
inline point_result run_point(const sweep_options& o, const sweep_point& sp, std::span<const prompt> file_prompts = {},
                              const sweep_hooks& hooks = {}, const sweep_output& out = {}) {
  point_plan pp = plan_point(o, sp, file_prompts);
  if (o.time_scale != 1.0 && o.time_scale > 0.0) {  // rates, traces and durations are in model time too
    for (auto& d : pp.plan.deadlines) d *= o.time_scale;
    if (pp.plan.max_duration_s) *pp.plan.max_duration_s *= o.time_scale;
  }
  point_result res;
  res.spec = sp;
  benchmark_point id = sp.identity;
  if (id.model.empty()) id.model = o.client.request.model;
  id.isl = pp.isl;
  id.osl = pp.osl;
  id.concurrency = sp.concurrency;
  id.request_rate = sp.rate ? *sp.rate : std::numeric_limits<double>::infinity();
  id.run = out.run_id;
  if (id.date.empty()) {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&t));
    id.date = buf;
  }
  const std::string stem = result_file_stem(id);
  std::unique_ptr<jsonl_writer> requests;
  if (!out.dir.empty()) {
    res.result_file = detail::unused_path(out.dir / "results", stem, out.run_id, ".json");
    if (o.write_requests) {
      res.requests_file = detail::unused_path(out.dir / "requests", res.result_file.stem().string(), out.run_id, ".jsonl");
      requests = std::make_unique<jsonl_writer>(res.requests_file, o.metrics.rule);
    }
  }
  run_hooks rh;
  rh.stop = hooks.stop;
  const std::string label = detail::point_label(sp);
  if (requests) rh.on_request = [w = requests.get()](const request_record& r) { w->push(r); };
  bool health_warned = false;
  if (hooks.progress && hooks.progress->enabled())
    rh.on_progress = [p = hooks.progress, &label, &hooks, &health_warned](const progress_snapshot& s) {
      p->update(label, s);
      if (hooks.health && !health_warned) {
        const std::string w = hooks.health();
        if (!w.empty()) {
          health_warned = true;
          p->warn(label + ": " + w);
        }
      }
    };
  run_result rr = run(o.client, pp.plan, rh);
  if (hooks.progress) hooks.progress->finish();
  if (requests) requests->close();
  res.connections = rr.connections;
  res.retried = rr.retried;
  res.found_closed = rr.found_closed;
  res.token_ids = rr.token_ids;
  res.stopped = rr.stopped;
  const bool measured = std::any_of(rr.records.begin(), rr.records.end(), [](const request_record& r) { return r.done != time_point{}; });
  if (rr.stopped && (rr.stopped_in != run_phase_kind::measured || !measured)) {
    res.skipped = true;  // nothing measured: no result, and no request log of warm-ups alone
    std::error_code ec;
    if (!res.requests_file.empty()) std::filesystem::remove(res.requests_file, ec);
    res.result_file.clear();
    res.requests_file.clear();
    return res;
  }
  id.num_prompts = static_cast<std::int64_t>(rr.records.size());
  id.partial = rr.stopped;
  if (o.time_scale != 1.0 && o.time_scale > 0.0) {
    const double factor = 1.0 / o.time_scale;
    for (auto& r : rr.records) stretch_time(r, rr.start, factor);
    rr.end = rr.start + std::chrono::duration_cast<std::chrono::steady_clock::duration>((rr.end - rr.start) * factor);
  }
  res.timeline = timeline_of(rr.records, rr.start, rr.end);
  res.summary = aggregate(rr.records, rr.start, rr.end, o.metrics, std::move(id));
  result_meta meta;
  meta.backend = o.client.request.api == api_kind::chat ? "openai-chat" : "openai";
  meta.endpoint = parse_endpoint(o.client.url, o.client.request.api).path;
  if (sp.rate) {
    meta.arrival = std::string(to_string(o.arrival));
    meta.burstiness = o.arrival == arrival_process::gamma ? o.burstiness
                      : o.arrival == arrival_process::poisson ? 1.0
                                                               : std::numeric_limits<double>::infinity();
    if (!std::isfinite(*meta.burstiness)) meta.burstiness.reset();
  }
  meta.start_unix = rr.start_unix;
  meta.end_unix = rr.end_unix;
  if (o.dataset.kind == dataset_options::source::random) {
    meta.range_convention = std::string(to_string(o.dataset.convention));
    meta.range_ratio = o.dataset.range_ratio;
    meta.prefix_len = o.dataset.prefix_len;
  }
  meta.seed = o.dataset.seed;
  meta.warmups = rr.warmups.size();
  meta.token_ids = rr.token_ids;
  meta.percentiles = o.percentiles;
  meta.connections_opened = rr.connections;
  meta.requests_retried = rr.retried;
  meta.connections_found_closed = rr.found_closed;
  meta.keep_alive = o.client.keep_alive;
  meta.io_threads = rr.io_threads;
  meta.continuous_usage_requested = o.client.request.continuous_usage;
  if (rr.stopped) meta.partial_reason = "interrupted during the measured phase";
  res.raw = result_json(res.summary, meta);
  if (o.time_scale != 1.0) res.raw["sim_time_scale"] = o.time_scale;  // times are the model's, not the wall's
  if (!res.result_file.empty()) write_file_replacing(res.result_file, safe_dump(res.raw, 2) + "\n");
  return res;
}

namespace detail {
inline std::string relative_to(const std::filesystem::path& p, const std::filesystem::path& dir) {
  return p.empty() ? std::string() : std::filesystem::relative(p, dir).generic_string();
}

// What run.json says about one point.
struct manifest_entry {
  std::string label, status;
  std::filesystem::path result_file, requests_file;
};

// run.json: every run in the directory and what became of each of its points.
inline void write_manifest(const sweep_output& out, const sweep_options& o, std::span<const manifest_entry> all) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& e : all) {
    nlohmann::json p = {{"label", e.label}, {"status", e.status}};
    if (!e.result_file.empty()) p["result"] = relative_to(e.result_file, out.dir);
    if (!e.requests_file.empty()) p["requests"] = relative_to(e.requests_file, out.dir);
    points.push_back(std::move(p));
  }
  nlohmann::json runs = out.previous_runs;
  runs.push_back({{"run", out.run_id},
                  {"client", "inferlens-loadgen " INFERLENS_VERSION_STRING},
                  {"url", o.client.url},
                  {"model", o.client.request.model},
                  {"points", std::move(points)}});
  write_file_replacing(out.dir / "run.json", safe_dump({{"format", "inferlens-bench-run/1"}, {"runs", std::move(runs)}}, 2) + "\n");
}
}  // namespace detail

/// The report's data of a sweep's points (run_sweep's results, of one run or of several): what
/// bench_report_html() draws. `run_id` is shown at the top with the server and the model.
inline bench_report_data sweep_report_data(const sweep_options& o, std::span<const point_result> results, const std::string& run_id) {
  bench_report_data d;
  d.title = "inferlens bench" + std::string(o.client.request.model.empty() ? "" : " · " + o.client.request.model);
  d.facts.emplace_back("server", o.client.url);
  if (!o.client.request.model.empty()) d.facts.emplace_back("model", o.client.request.model);
  if (!run_id.empty()) d.facts.emplace_back("run", run_id);
  d.facts.emplace_back("client", "inferlens-loadgen " INFERLENS_VERSION_STRING);
  for (const auto& f : o.report_facts) d.facts.push_back(f);
  // points of several runs (repeats): each label ends with what tells its run apart ("r2")
  std::string common;
  bool several_runs = false;
  for (const point_result& r : results) {
    const std::string& run = r.summary.point.run;
    if (&r == &results.front()) common = run;
    else if (run != results.front().summary.point.run) several_runs = true;
    std::size_t k = 0;
    while (k < common.size() && k < run.size() && common[k] == run[k]) ++k;
    common.resize(k);
  }
  while (!common.empty() && std::isalnum(static_cast<unsigned char>(common.back()))) common.pop_back();  // whole parts only
  for (const point_result& r : results) {
    bench_point_data p = report_point(r.summary, r.timeline);
    p.label = detail::point_label(r.spec);
    if (several_runs) p.label += " · " + (r.summary.point.run.size() > common.size() ? r.summary.point.run.substr(common.size()) : r.summary.point.run);
    d.points.push_back(std::move(p));
    if (!o.out_dir.empty() && !r.result_file.empty()) d.files.push_back(detail::relative_to(r.result_file, o.out_dir));
  }
  if (!o.out_dir.empty()) {
    d.files.push_back("sweep.json");
    d.files.push_back("run.json");
  }
  return d;
}

/// Writes out_dir/report.html (atomically, as the other files) for these points and returns its
/// path; nothing without out_dir.
inline std::filesystem::path write_sweep_report(const sweep_options& o, std::span<const point_result> results, const std::string& run_id) {
  if (o.out_dir.empty()) return {};
  const std::filesystem::path file = o.out_dir / "report.html";
  write_file_replacing(file, bench_report_html(sweep_report_data(o, results, run_id)));
  return file;
}

/// Run every point in order. Once a point's prompt format is known (token ids or text) the
/// rest reuse it without probing again. With out_dir, the directory is checked first
/// (sweep_options::if_exists), and after every point `sweep.json` (the library's own JSON, read
/// by `inferlens frontier`), `run.json` and `report.html` (this run's points) are rewritten.
/// Skipped points are not returned.
inline std::vector<point_result> run_sweep(const sweep_options& o, std::span<const sweep_point> points,
                                           const sweep_hooks& hooks = {}) {
  sweep_output out;
  out.run_id = o.run_id.empty() ? detail::new_run_id() : o.run_id;
  if (!o.out_dir.empty()) {
    detail::out_dir_state prev = detail::prepare_out_dir(o.out_dir, o.if_exists);
    out.dir = o.out_dir;
    out.previous_points = std::move(prev.previous_points);
    out.previous_runs = std::move(prev.previous_runs);
  }
  std::vector<prompt> file_prompts;
  if (o.dataset.kind == dataset_options::source::jsonl)
    file_prompts = load_prompt_file(o.dataset.path, points.empty() ? 1024 : points.front().osl);
  else if (o.dataset.kind == dataset_options::source::trace)
    file_prompts = load_trace(o.dataset.path, {o.dataset.seed, o.dataset.trace_time_scale, o.dataset.token_id_min,
                                               o.dataset.token_id_max});
  sweep_options opts = o;
  std::vector<point_result> done;
  std::vector<detail::manifest_entry> manifest;
  for (const auto& sp : points) {
    if (hooks.stop && hooks.stop->load()) break;
    point_result r = run_point(opts, sp, file_prompts, hooks, out);
    if (!r.skipped && opts.client.format == prompt_format::automatic)
      opts.client.format = r.token_ids ? prompt_format::token_ids : prompt_format::text;
    manifest.push_back({detail::point_label(sp), r.skipped ? "skipped" : r.summary.point.partial ? "partial" : "complete",
                        r.result_file, r.requests_file});
    if (hooks.on_point) hooks.on_point(r);
    const bool stopped = r.stopped;
    if (!r.skipped) done.push_back(std::move(r));
    if (!out.dir.empty()) {
      detail::write_sweep_table(out.dir / "sweep.json", out.previous_points, done);
      detail::write_manifest(out, o, manifest);
      if (o.write_report) write_sweep_report(o, done, out.run_id);
    }
    if (stopped) break;
  }
  return done;
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
