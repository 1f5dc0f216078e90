// Readers of the exports of harnesses that write nested JSON: AIPerf and GenAI-Perf
// (profile_export*.json), GuideLLM (benchmarks.json), ray-project llmperf (*_summary.json). Each
// is read as a tree and mapped field by field onto columns; docs/formats.md has the mapping, the
// versions and what each lacks. Where a harness's name means something else than ours it is
// mapped by meaning: AIPerf's and GenAI-Perf's inter_token_latency and GuideLLM's
// inter_token_latency_ms are per-request (E2E − TTFT) / (tokens − 1), i.e. vLLM's TPOT;
// llmperf's inter-token latency includes the first token and is neither TPOT nor ITL.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inferlens/columns.hpp"
#include "inferlens/detail/json.hpp"
#include "inferlens/detail/point_builder.hpp"
#include "inferlens/detail/read_rows.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/error.hpp"
#include "inferlens/formats.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {

/// A tree parsed whole, with syntax errors named by byte.
INFERLENS_LAZY json_node parse_document(std::string_view text, std::string_view name) {
  try {
    return parse_json(text);
  } catch (const json_syntax_error& e) {
    throw input_error(input_location{std::string(name), {}, e.byte, {}}, e.message);
  }
}

/// Setting columns from a tree, naming each value by its path.
struct tree_reader {
  point_builder& b;

  INFERLENS_LAZY void put(column_id c, const json_node* v, const std::string& path, double scale = 1) const {
    if (!v) return;
    if (v->is_string() && info(c).numeric()) return b.set_from_text(c, v->text, path);  // llmperf writes some counts as strings
    b.set_from_json(c, v->as_value(), true, path, scale);
  }
  /// The first string of an array, or the string itself.
  INFERLENS_LAZY const json_node* first(const json_node* v) const {
    if (v && v->is_array()) return v->children.empty() ? nullptr : &v->children.front();
    return v;
  }
  /// Seconds per unit of a time unit's name.
  INFERLENS_LAZY double seconds_per(std::string_view unit, const std::string& path) const {
    if (unit == "ms") return 1e-3;
    if (unit == "s" || unit == "sec") return 1.0;
    if (unit == "us") return 1e-6;
    if (unit == "ns") return 1e-9;
    b.fail(path, "expected a time unit (ns, us, ms, s, sec), got " + quote_excerpt(unit));
  }
  /// "%Y%m%d-%H%M%S" (UTC) of an epoch in seconds, as vLLM writes dates.
  INFERLENS_LAZY void put_epoch(const json_node* v, const std::string& path) const {
    if (!v || !v->is_number()) return;
    const double t = v->number();
    if (!(t > 0 && t < 4.1e9)) b.fail(path, "expected a time in seconds since 1970, got " + shortest(t));
    const std::time_t s = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y%m%d-%H%M%S", &tm);
    b.set_text(cols::date, out, path);
  }
};

// "prompt_tokens=1024,output_tokens=256" (GuideLLM's synthetic data spec): ISL and OSL.
INFERLENS_LAZY void put_data_spec(const tree_reader& r, std::string_view spec, const std::string& path) {
  for (std::size_t start = 0; start <= spec.size();) {
    const auto end = std::min(spec.find(',', start), spec.size());
    const std::string_view item = trim(spec.substr(start, end - start));
    const auto eq = item.find('=');
    if (eq != std::string_view::npos) {
      const std::string_view key = trim(item.substr(0, eq)), value = trim(item.substr(eq + 1));
      if (key == "prompt_tokens") r.b.set_from_text(cols::isl, value, path + ".prompt_tokens");
      if (key == "output_tokens") r.b.set_from_text(cols::osl, value, path + ".output_tokens");
    }
    start = end + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// AIPerf and GenAI-Perf
// ---------------------------------------------------------------------------------------------

/// AIPerf (every schema: 0.1's "records", the flat 0.2-0.3 export, schema 1.0, schema 1.x with
/// models/phases configuration) and GenAI-Perf: metric objects {"unit", "avg", "p50", "p90",
/// "p99", "std", ...}, the run's settings under "input_config". The unit of each metric decides
/// its scale. GenAI-Perf writes neither a duration nor token totals: they follow exactly from its
/// request count, request throughput and mean sequence lengths.
INFERLENS_LAZY void parse_aiperf(std::string_view text, std::string_view name, row_sink& sink) {
  const json_node doc = parse_document(text, name);
  point_builder b(name);
  b.start(std::nullopt);
  const tree_reader r{b};
  if (!doc.is_object()) b.fail("", std::string(expectation(file_format::aiperf_json)) + ", got " + std::string(kind_name(doc.type)));
  const json_node* records = doc.find("records");  // AIPerf 0.1
  const json_node& metrics = records && records->is_object() ? *records : doc;
  const std::string prefix = records ? "records." : "";
  const auto metric = [&](const char* tag) -> const json_node* {
    const json_node* m = metrics.find(tag);
    if (!m || m->is_null()) return nullptr;
    if (!m->is_object()) b.fail(prefix + tag, "expected an object of statistics, got " + std::string(kind_name(m->type)));
    return m;
  };
  constexpr std::pair<const char*, const char*> latencies[] = {
      {"time_to_first_token", "ttft"}, {"inter_token_latency", "tpot"}, {"inter_chunk_latency", "itl"}, {"request_latency", "e2el"}};
  constexpr std::pair<const char*, const char*> statistics[] = {{"avg", "mean"}, {"p50", "median"}, {"std", "std"}, {"p90", "p90"}, {"p99", "p99"}};
  for (const auto& [tag, metric_name] : latencies) {
    const json_node* m = metric(tag);
    if (!m) continue;
    const json_node* unit = m->find("unit");
    const double scale = r.seconds_per(unit && unit->is_string() ? std::string_view(unit->text) : std::string_view(), prefix + tag + ".unit");
    for (const auto& [key, stat] : statistics)
      r.put(*lookup_column(std::string(stat) + "_" + metric_name), m->find(key), prefix + tag + "." + key, scale);
  }
  constexpr std::pair<const char*, column_id> totals[] = {
      {"request_throughput", cols::request_throughput},       {"output_token_throughput", cols::output_throughput},
      {"total_token_throughput", cols::total_token_throughput}, {"goodput", cols::request_goodput},
      {"request_goodput", cols::request_goodput},             {"benchmark_duration", cols::duration},
      {"request_count", cols::completed},                     {"error_request_count", cols::failed},
      {"total_isl", cols::total_input_tokens},                {"total_osl", cols::total_output_tokens}};
  for (const auto& [tag, c] : totals) {
    const json_node* m = metric(tag);
    if (!m) continue;
    const json_node* v = m->find("avg");
    if (!v) b.fail(prefix + tag + ".avg", "missing: expected the value under \"avg\"");
    double scale = 1;
    if (c == cols::duration)
      if (const json_node* unit = m->find("unit"); unit && unit->is_string()) scale = r.seconds_per(unit->text, prefix + tag + ".unit");
    r.put(c, v, prefix + tag + ".avg", scale);
  }

  // The run's settings, wherever the version puts them.
  if (const json_node* config = doc.find("input_config"); config && config->is_object()) {
    const auto put_first = [&](column_id c, std::initializer_list<std::pair<const json_node*, const char*>> places) {
      for (const auto& [v, path] : places)
        if (const json_node* x = r.first(v); x && !x->is_null() && !b.has(c)) r.put(c, x, std::string("input_config.") + path);
    };
    // AIPerf schema 1.x: models.items[].name; phases[] with the profiling phase's settings
    const json_node* items = config->at({"models", "items"});
    const json_node* model_item = items && items->is_array() && !items->children.empty() ? &items->children.front() : nullptr;
    const json_node* profiling = nullptr;
    if (const json_node* phases = config->find("phases"); phases && phases->is_array())
      for (const json_node& ph : phases->children) {
        const json_node* kind = ph.find("kind");
        const json_node* phase_name = ph.find("name");
        if ((kind && kind->text == "profiling") || (phase_name && phase_name->text == "profiling")) profiling = &ph;
      }
    const json_node* dataset = nullptr;
    if (const json_node* ds = config->find("datasets"); ds && ds->is_array() && !ds->children.empty()) dataset = &ds->children.front();
    const auto length = [](const json_node* v) -> const json_node* {  // a fixed length, or a distribution's mean
      if (v && v->is_object()) return v->find("mean");
      return v;
    };
    put_first(cols::model_raw, {{model_item ? model_item->find("name") : nullptr, "models.items[0].name"},
                                {config->at({"endpoint", "model_names"}), "endpoint.model_names"},
                                {config->find("model_names"), "model_names"},
                                {config->find("model"), "model"}});
    put_first(cols::concurrency, {{profiling ? profiling->find("concurrency") : nullptr, "phases[profiling].concurrency"},
                                  {config->at({"loadgen", "concurrency"}), "loadgen.concurrency"},
                                  {config->at({"perf_analyzer", "stimulus", "concurrency"}), "perf_analyzer.stimulus.concurrency"},
                                  {config->find("concurrency"), "concurrency"}});
    put_first(cols::request_rate, {{profiling ? profiling->find("rate") : nullptr, "phases[profiling].rate"},
                                   {config->at({"loadgen", "request_rate"}), "loadgen.request_rate"},
                                   {config->at({"perf_analyzer", "stimulus", "request_rate"}), "perf_analyzer.stimulus.request_rate"},
                                   {config->find("request_rate"), "request_rate"}});
    put_first(cols::num_prompts, {{profiling ? profiling->find("requests") : nullptr, "phases[profiling].requests"},
                                  {config->at({"loadgen", "request_count"}), "loadgen.request_count"},
                                  {config->find("request_count"), "request_count"}});
    put_first(cols::isl, {{length(dataset ? dataset->at({"prompts", "isl"}) : nullptr), "datasets[0].prompts.isl"},
                          {length(config->at({"input", "prompt", "input_tokens"})), "input.prompt.input_tokens.mean"},
                          {length(config->at({"input", "synthetic_tokens"})), "input.synthetic_tokens.mean"},
                          {config->find("synthetic_input_tokens_mean"), "synthetic_input_tokens_mean"}});
    put_first(cols::osl, {{length(dataset ? dataset->at({"prompts", "osl"}) : nullptr), "datasets[0].prompts.osl"},
                          {length(config->at({"input", "prompt", "output_tokens"})), "input.prompt.output_tokens.mean"},
                          {length(config->at({"input", "output_tokens"})), "input.output_tokens.mean"},
                          {config->find("output_tokens_mean"), "output_tokens_mean"}});
  }
  if (const json_node* start = doc.find("start_time"); start && start->is_string() && start->text.size() >= 19) {
    // ISO "2026-05-10T14:03:11.123" -> "20260510-140311" (AIPerf writes the machine's local time)
    std::string d;
    for (char ch : std::string_view(start->text).substr(0, 19))
      if (ch >= '0' && ch <= '9') d += ch;
    if (d.size() == 14) b.set_text(cols::date, d.substr(0, 8) + "-" + d.substr(8), "start_time");
  }

  // GenAI-Perf has no duration or totals; they follow from what it has.
  benchmark_point& p = b.point;
  if (!b.has(cols::duration) && p.completed && p.request_throughput && *p.request_throughput > 0)
    b.set_number(cols::duration, static_cast<double>(*p.completed) / *p.request_throughput, "request_count / request_throughput");
  for (auto [tag, c] : {std::pair{"input_sequence_length", cols::total_input_tokens}, std::pair{"output_sequence_length", cols::total_output_tokens}})
    if (const json_node* m = metric(tag); m && !b.has(c) && p.completed)
      if (const json_node* avg = m->find("avg"); avg && avg->is_number())
        b.set_number(c, std::round(avg->number() * static_cast<double>(*p.completed)), std::string(tag) + ".avg × request_count");
  // AIPerf defines total_token_throughput = (total_isl + total_osl) / benchmark_duration
  if (!b.has(cols::total_token_throughput) && p.total_input_tokens && p.total_output_tokens && p.duration && *p.duration > 0)
    b.set_number(cols::total_token_throughput,
                 static_cast<double>(*p.total_input_tokens + *p.total_output_tokens) / *p.duration, "total_token_throughput");
  sink.add(b, file_format::aiperf_json, name);
}

// ---------------------------------------------------------------------------------------------
// GuideLLM
// ---------------------------------------------------------------------------------------------

/// GuideLLM benchmarks.json (v0.2 to v0.7): one point per benchmark of the report (one per
/// strategy of a sweep), row = its position. Statistics of successful requests; the concurrency
/// is the strategy's limit (synchronous: 1, concurrent: streams, throughput/rate: max_concurrency
/// when set), never the measured request_concurrency.
INFERLENS_LAZY void parse_guidellm(std::string_view text, std::string_view name, row_sink& sink) {
  const json_node doc = parse_document(text, name);
  point_builder b(name);
  const tree_reader r{b};
  b.start(std::nullopt);
  const json_node* benchmarks = doc.find("benchmarks");
  if (!benchmarks || !benchmarks->is_array()) b.fail("benchmarks", "expected the array of GuideLLM benchmarks");
  const json_node* report_args = doc.find("args");
  const json_node* spec = doc.at({"config", "spec"});  // v0.7
  for (std::size_t i = 0; i < benchmarks->children.size(); ++i) {
    const json_node& bench = benchmarks->children[i];
    const std::string at = "benchmarks[" + std::to_string(i) + "]";
    b.start(i + 1);
    if (!bench.is_object()) b.fail(at, "expected an object (one benchmark)");
    const json_node* metrics = bench.find("metrics");
    if (!metrics || !metrics->is_object()) b.fail(at + ".metrics", "missing: expected the benchmark's metrics");
    const auto successful = [&](const char* key) -> const json_node* {
      const json_node* m = metrics->find(key);
      return m ? m->find("successful") : nullptr;
    };
    const auto distribution = [&](const char* key, const char* metric, double scale) {
      const json_node* ds = successful(key);
      if (!ds) return;
      const std::string path = at + ".metrics." + key + ".successful";
      const std::string m(metric);
      r.put(*lookup_column("mean_" + m), ds->find("mean"), path + ".mean", scale);
      r.put(*lookup_column("median_" + m), ds->find("median"), path + ".median", scale);
      r.put(*lookup_column("std_" + m), ds->find("std_dev"), path + ".std_dev", scale);
      if (const json_node* pct = ds->find("percentiles"))
        for (auto [key2, stat] : {std::pair{"p90", "p90_"}, std::pair{"p99", "p99_"}, std::pair{"p999", "p99.9_"}})
          r.put(*lookup_column(std::string(stat) + m), pct->find(key2), path + ".percentiles." + key2, scale);
    };
    distribution("time_to_first_token_ms", "ttft", 1e-3);
    distribution("inter_token_latency_ms", "tpot", 1e-3);
    distribution("request_latency", "e2el", 1.0);  // seconds, unlike the *_ms keys
    for (auto [key, c] : {std::pair{"requests_per_second", cols::request_throughput}, std::pair{"output_tokens_per_second", cols::output_throughput},
                          std::pair{"tokens_per_second", cols::total_token_throughput}})
      if (const json_node* ds = successful(key)) r.put(c, ds->find("mean"), at + ".metrics." + key + ".successful.mean");
    for (auto [key, c] : {std::pair{"prompt_token_count", cols::total_input_tokens}, std::pair{"output_token_count", cols::total_output_tokens}})
      if (const json_node* ds = successful(key)) r.put(c, ds->find("total_sum"), at + ".metrics." + key + ".successful.total_sum");
    const json_node* totals = metrics->find("request_totals");  // v0.4+
    std::string totals_path = at + ".metrics.request_totals";
    if (!totals) totals = bench.find("request_totals"), totals_path = at + ".request_totals";  // v0.2-0.3
    if (totals) {
      r.put(cols::completed, totals->find("successful"), totals_path + ".successful");
      r.put(cols::failed, totals->find("errored"), totals_path + ".errored");
      r.put(cols::num_prompts, totals->find("total"), totals_path + ".total");
    }
    r.put(cols::duration, bench.find("duration"), at + ".duration");
    r.put_epoch(bench.find("start_time"), at + ".start_time");
    // the strategy: v0.4+ under config, v0.2-0.3 under args
    std::string strategy_path = at + ".config.strategy";
    const json_node* strategy = bench.at({"config", "strategy"});
    if (!strategy) strategy = bench.at({"args", "strategy"}), strategy_path = at + ".args.strategy";
    if (strategy) {
      const json_node* type = strategy->find("type_");
      const std::string kind = type && type->is_string() ? type->text : "";
      if (kind == "synchronous") b.set_number(cols::concurrency, 1, strategy_path + ".type_");
      r.put(cols::concurrency, strategy->find("streams"), strategy_path + ".streams");
      if (!b.has(cols::concurrency)) r.put(cols::concurrency, strategy->find("max_concurrency"), strategy_path + ".max_concurrency");
      r.put(cols::request_rate, strategy->find("rate"), strategy_path + ".rate");
    }
    if (const json_node* run = bench.at({"config", "run_id"}); run && run->is_string()) b.set_text(cols::run, run->text, at + ".config.run_id");
    // the model, wherever the version keeps it
    for (auto [v, path] : {std::pair{bench.at({"worker", "backend_model"}), at + ".worker.backend_model"},
                           std::pair{bench.at({"config", "backend", "model"}), at + ".config.backend.model"},
                           std::pair{report_args ? report_args->find("model") : nullptr, std::string("args.model")},
                           std::pair{report_args ? report_args->at({"backend_kwargs", "model"}) : nullptr, std::string("args.backend_kwargs.model")},
                           std::pair{spec ? spec->at({"backend", "model"}) : nullptr, std::string("config.spec.backend.model")}})
      if (v && v->is_string() && !b.has(cols::model_raw)) b.set_text(cols::model_raw, v->text, path);
    // nominal lengths from a synthetic data spec
    for (auto [v, path] : {std::pair{bench.at({"request_loader", "data"}), at + ".request_loader.data"},
                           std::pair{report_args ? report_args->find("data") : nullptr, std::string("args.data")}})
      if (const json_node* d = r.first(v); d && d->is_string() && d->text.find("prompt_tokens") != std::string::npos && !b.has(cols::isl))
        put_data_spec(r, d->text, path);
    sink.add(b, file_format::guidellm_json, name);
  }
}

// ---------------------------------------------------------------------------------------------
// llmperf
// ---------------------------------------------------------------------------------------------

/// ray-project llmperf token_benchmark_ray.py summary (results_* keys, seconds). The duration,
/// request throughput and token totals follow from its counts and rates; it has no TPOT (its
/// inter-token latency includes the first token), so no interactivity.
INFERLENS_LAZY void parse_llmperf(std::string_view text, std::string_view name, row_sink& sink) {
  const json_node doc = parse_document(text, name);
  point_builder b(name);
  const tree_reader r{b};
  b.start(std::nullopt);
  if (!doc.is_object()) b.fail("", "expected a JSON object of llmperf results");
  const auto key = [&](const std::string& k) { return doc.find(k); };
  for (auto [m, metric] : {std::pair{"ttft_s", "ttft"}, std::pair{"end_to_end_latency_s", "e2el"}}) {
    const std::string base = std::string("results_") + m;
    const std::string mm(metric);
    r.put(*lookup_column("mean_" + mm), key(base + "_mean"), base + "_mean");
    r.put(*lookup_column("median_" + mm), key(base + "_quantiles_p50"), base + "_quantiles_p50");
    r.put(*lookup_column("std_" + mm), key(base + "_stddev"), base + "_stddev");
    r.put(*lookup_column("p90_" + mm), key(base + "_quantiles_p90"), base + "_quantiles_p90");
    r.put(*lookup_column("p99_" + mm), key(base + "_quantiles_p99"), base + "_quantiles_p99");
  }
  r.put(cols::model_raw, key("model"), "model");
  r.put(cols::concurrency, key("num_concurrent_requests"), "num_concurrent_requests");
  r.put(cols::num_prompts, key("results_num_requests_started"), "results_num_requests_started");
  r.put(cols::completed, key("results_num_completed_requests"), "results_num_completed_requests");
  r.put(cols::failed, key("results_number_errors"), "results_number_errors");
  r.put(cols::output_throughput, key("results_mean_output_throughput_token_per_s"), "results_mean_output_throughput_token_per_s");
  r.put(cols::isl, key("mean_input_tokens"), "mean_input_tokens");
  r.put(cols::osl, key("mean_output_tokens"), "mean_output_tokens");
  r.put_epoch(key("timestamp"), "timestamp");
  benchmark_point& p = b.point;
  if (const json_node* per_min = key("results_num_completed_requests_per_min"); per_min && per_min->is_number() && per_min->number() > 0) {
    b.set_number(cols::request_throughput, per_min->number() / 60.0, "results_num_completed_requests_per_min / 60");
    if (p.completed) b.set_number(cols::duration, static_cast<double>(*p.completed) / per_min->number() * 60.0, "completed / per_min × 60");
  }
  for (auto [m, c] : {std::pair{"results_number_input_tokens_mean", cols::total_input_tokens},
                      std::pair{"results_number_output_tokens_mean", cols::total_output_tokens}})
    if (const json_node* v = key(m); v && v->is_number() && p.completed)
      b.set_number(c, std::round(v->number() * static_cast<double>(*p.completed)), std::string(m) + " × completed");
  if (p.total_input_tokens && p.total_output_tokens && p.duration && *p.duration > 0)
    b.set_number(cols::total_token_throughput, static_cast<double>(*p.total_input_tokens + *p.total_output_tokens) / *p.duration,
                 "(input + output tokens) / duration");
  sink.add(b, file_format::llmperf_summary, name);
}

}  // namespace detail
INFERLENS_END_NAMESPACE
