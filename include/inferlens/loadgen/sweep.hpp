// Sweeps: concurrency (or rate) × ISL/OSL grids, also from a JSON matrix in the spirit of
// InferenceMAX's master config. Each point is one run with InferenceMAX's closed-loop recipe by
// default (prompts = k × c, 2 × c warm-ups that are excluded), aggregated the vLLM way, written
// as it completes (result JSON, per-request JSONL, the sweep table), and appended to an
// in-process result table.
#pragma once

#include <algorithm>
#include <atomic>
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

#include <nlohmann/json.hpp>

#include "inferlens/error.hpp"
#include "inferlens/io.hpp"
#include "inferlens/loadgen/client.hpp"
#include "inferlens/loadgen/metrics.hpp"
#include "inferlens/loadgen/output.hpp"
#include "inferlens/loadgen/progress.hpp"
#include "inferlens/loadgen/schedule.hpp"
#include "inferlens/loadgen/workload.hpp"
#include "inferlens/record.hpp"
#include "inferlens/table.hpp"
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
  std::filesystem::path out_dir;  ///< empty: nothing written
  bool write_requests = true;     ///< per-request JSONL under out_dir/requests
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
  std::filesystem::path result_file, requests_file;
  std::size_t connections = 0;
  bool token_ids = false;
  bool stopped = false;
};

struct sweep_hooks {
  std::function<void(const point_result&)> on_point;  ///< after each point
  result_table* table = nullptr;                       ///< each point is appended here
  progress_display* progress = nullptr;                ///< live line on a terminal
  const std::atomic<bool>* stop = nullptr;             ///< ends the current point and the sweep
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
    c *= step;
    if (c > end) c = end;
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
  std::ifstream in(path);
  if (!in) throw input_error({path.string(), {}, {}, ""}, "cannot open file");
  nlohmann::json m;
  try {
    m = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error({path.string(), {}, e.byte, ""}, std::string("not valid JSON: ") + e.what());
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

inline void write_sweep_table(const std::filesystem::path& file, std::span<const point_result> done) {
  std::vector<benchmark_point> points;
  for (const auto& r : done) points.push_back(r.summary.point);
  const auto tmp = file.string() + ".tmp";
  {
    std::ofstream os(tmp);
    if (!os) throw input_error({tmp, {}, {}, ""}, "cannot open for writing");
    write_json(os, points);
  }
  std::filesystem::rename(tmp, file);  // a reader never sees half a table
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

/// Run one point: plan, run, aggregate, write. `file_prompts` holds a jsonl/trace dataset.
inline point_result run_point(const sweep_options& o, const sweep_point& sp, std::span<const prompt> file_prompts = {},
                              const sweep_hooks& hooks = {}) {
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
  if (id.date.empty()) {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&t));
    id.date = buf;
  }
  const std::string stem = result_file_stem(id);
  std::unique_ptr<jsonl_writer> requests;
  if (!o.out_dir.empty()) {
    std::filesystem::create_directories(o.out_dir / "results");
    if (o.write_requests) {
      std::filesystem::create_directories(o.out_dir / "requests");
      res.requests_file = o.out_dir / "requests" / (stem + ".jsonl");
      requests = std::make_unique<jsonl_writer>(res.requests_file, o.metrics.rule, /*append=*/false);
    }
  }
  run_hooks rh;
  rh.stop = hooks.stop;
  const std::string label = detail::point_label(sp);
  if (requests) rh.on_request = [w = requests.get()](const request_record& r) { w->push(r); };
  if (hooks.progress && hooks.progress->enabled())
    rh.on_progress = [p = hooks.progress, &label](const progress_snapshot& s) { p->update(label, s); };
  run_result rr = run(o.client, pp.plan, rh);
  if (hooks.progress) hooks.progress->finish();
  if (requests) requests->close();
  id.num_prompts = static_cast<std::int64_t>(rr.records.size());
  if (o.time_scale != 1.0 && o.time_scale > 0.0) {
    const double factor = 1.0 / o.time_scale;
    for (auto& r : rr.records) stretch_time(r, rr.start, factor);
    rr.end = rr.start + std::chrono::duration_cast<std::chrono::steady_clock::duration>((rr.end - rr.start) * factor);
  }
  res.summary = aggregate(rr.records, rr.start, rr.end, o.metrics, std::move(id));
  res.connections = rr.connections;
  res.token_ids = rr.token_ids;
  res.stopped = rr.stopped;
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
  }
  meta.seed = o.dataset.seed;
  meta.warmups = rr.warmups.size();
  meta.token_ids = rr.token_ids;
  res.raw = result_json(res.summary, meta);
  if (o.time_scale != 1.0) res.raw["sim_time_scale"] = o.time_scale;  // times are the model's, not the wall's
  if (!o.out_dir.empty()) {
    res.result_file = o.out_dir / "results" / (stem + ".json");
    std::ofstream os(res.result_file);
    if (!os) throw input_error({res.result_file.string(), {}, {}, ""}, "cannot open for writing");
    os << res.raw.dump(2) << '\n';
  }
  return res;
}

/// Run every point in order. Once a point's prompt format is known (token ids or text) the
/// rest reuse it without probing again. With out_dir, `sweep.json` (the library's own JSON,
/// read by `inferlens frontier`) is rewritten after every point.
inline std::vector<point_result> run_sweep(const sweep_options& o, std::span<const sweep_point> points,
                                           const sweep_hooks& hooks = {}) {
  std::vector<prompt> file_prompts;
  if (o.dataset.kind == dataset_options::source::jsonl)
    file_prompts = load_prompt_file(o.dataset.path, points.empty() ? 1024 : points.front().osl);
  else if (o.dataset.kind == dataset_options::source::trace)
    file_prompts = load_trace(o.dataset.path, {o.dataset.seed, o.dataset.trace_time_scale, o.dataset.token_id_min,
                                               o.dataset.token_id_max});
  sweep_options opts = o;
  std::vector<point_result> out;
  for (const auto& sp : points) {
    if (hooks.stop && hooks.stop->load()) break;
    point_result r = run_point(opts, sp, file_prompts, hooks);
    if (opts.client.format == prompt_format::automatic)
      opts.client.format = r.token_ids ? prompt_format::token_ids : prompt_format::text;
    if (hooks.table) hooks.table->append(r.summary.point);
    out.push_back(std::move(r));
    if (!o.out_dir.empty()) detail::write_sweep_table(o.out_dir / "sweep.json", out);
    if (hooks.on_point) hooks.on_point(out.back());
    if (out.back().stopped) break;
  }
  return out;
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
