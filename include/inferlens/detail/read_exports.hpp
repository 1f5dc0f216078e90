// Readers of the exports of harnesses that write nested JSON: AIPerf and GenAI-Perf
// (profile_export*.json), GuideLLM (benchmarks.json), ray-project llmperf (*_summary.json). Each
// is read as a tree and mapped field by field onto columns (docs/formats.md has the mapping and
// what each lacks).
#pragma once

#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
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

// GenAI-Perf / AIPerf aggregate export: one object of metrics {"unit": ..., "avg": ..., "p50":
// ..., "std": ..., "p90": ..., "p99": ...} plus "input_config". Their inter_token_latency is
// (latency - TTFT) / (tokens - 1) per request, which is vLLM's TPOT; their inter_chunk_latency is
// vLLM's ITL. Fields that are not there (GPUs, ISL/OSL nominal lengths) stay missing.
inline void parse_aiperf(std::string_view text, std::string_view name, row_sink& sink) {
  json_node doc;
  try {
    doc = parse_json(text);
  } catch (const json_syntax_error& e) {
    throw input_error(input_location{std::string(name), {}, e.byte, {}}, e.message);
  }
  point_builder b(name);
  b.start(std::nullopt);
  if (!doc.is_object()) b.fail("", std::string(expectation(file_format::aiperf_json)) + ", got " + std::string(kind_name(doc.type)));
  auto put = [&](column_id c, const json_node& v, double scale, const std::string& field) {
    b.set_from_json(c, v.as_value(), true, field, scale);
  };
  auto metric = [&](const char* tag) -> const json_node* {
    const json_node* m = doc.find(tag);
    if (!m || m->is_null()) return nullptr;
    if (!m->is_object()) b.fail(tag, "expected an object of statistics, got " + std::string(kind_name(m->type)));
    return m;
  };
  auto seconds_per = [&](const json_node& m, const std::string& tag) {
    const json_node* unit = m.find("unit");
    const std::string u = unit && unit->is_string() ? unit->text : "";
    if (u == "ms") return 1e-3;
    if (u == "s" || u == "sec") return 1.0;
    if (u == "us") return 1e-6;
    if (u == "ns") return 1e-9;
    b.fail(tag + ".unit", "expected a time unit (ns, us, ms, s, sec), got " + quote_excerpt(u));
  };
  constexpr std::pair<const char*, const char*> latencies[] = {
      {"time_to_first_token", "ttft"}, {"inter_token_latency", "tpot"}, {"inter_chunk_latency", "itl"}, {"request_latency", "e2el"}};
  constexpr std::pair<const char*, const char*> statistics[] = {
      {"avg", "mean"}, {"p50", "median"}, {"std", "std"}, {"p90", "p90"}, {"p99", "p99"}};
  for (const auto& [tag, metric_name] : latencies) {
    const json_node* m = metric(tag);
    if (!m) continue;
    const double scale = seconds_per(*m, tag);
    for (const auto& [key, stat] : statistics)
      if (const json_node* v = m->find(key)) put(*lookup_column(std::string(stat) + "_" + metric_name), *v, scale, std::string(tag) + "." + key);
  }
  constexpr std::pair<const char*, column_id> totals[] = {
      {"request_throughput", cols::request_throughput},       {"output_token_throughput", cols::output_throughput},
      {"total_token_throughput", cols::total_token_throughput}, {"goodput", cols::request_goodput},
      {"benchmark_duration", cols::duration},                 {"request_count", cols::completed},
      {"error_request_count", cols::failed},                  {"total_isl", cols::total_input_tokens},
      {"total_osl", cols::total_output_tokens}};
  for (const auto& [tag, c] : totals) {
    const json_node* m = metric(tag);
    if (!m) continue;
    const json_node* v = m->find("avg");
    if (!v) b.fail(std::string(tag) + ".avg", "missing: expected the value under \"avg\"");
    put(c, *v, std::string_view(tag) == "benchmark_duration" ? seconds_per(*m, tag) : 1.0, std::string(tag) + ".avg");
  }
  // the run's settings: AIPerf nests them (endpoint.model_names, loadgen.*), GenAI-Perf does not
  if (const json_node* config = doc.find("input_config"); config && config->is_object()) {
    for (auto [value, field] : {std::pair{config->at({"endpoint", "model_names"}), "input_config.endpoint.model_names"},
                                std::pair{config->find("model"), "input_config.model"}})
      if (value && !b.has(cols::model_raw))
        put(cols::model_raw, value->is_array() && !value->children.empty() ? value->children.front() : *value, 1, field);
    for (auto [value, field] : {std::pair{config->at({"loadgen", "concurrency"}), "input_config.loadgen.concurrency"},
                                std::pair{config->find("concurrency"), "input_config.concurrency"}})
      if (value) put(cols::concurrency, *value, 1, field);
    for (auto [value, field] : {std::pair{config->at({"loadgen", "request_rate"}), "input_config.loadgen.request_rate"},
                                std::pair{config->find("request_rate"), "input_config.request_rate"}})
      if (value) put(cols::request_rate, *value, 1, field);
  }
  // AIPerf defines total_token_throughput = (total_isl + total_osl) / benchmark_duration; GenAI-Perf
  // and older AIPerf exports do not write it
  const benchmark_point& p = b.point;
  if (!b.has(cols::total_token_throughput) && p.total_input_tokens && p.total_output_tokens && p.duration && *p.duration > 0)
    b.set_number(cols::total_token_throughput,
                 static_cast<double>(*p.total_input_tokens + *p.total_output_tokens) / *p.duration, "total_token_throughput");
  sink.add(b, file_format::aiperf_json, name);
}

}  // namespace detail
INFERLENS_END_NAMESPACE
