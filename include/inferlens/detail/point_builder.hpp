// How a row of any result file becomes a benchmark point: every value is checked as it
// arrives against its column's type and rule, and an error names the file, the row and the
// field. The readers of every format share it, and the JSON key tables that map each
// harness's keys onto columns.
#pragma once

#include <algorithm>
#include <array>
#include <bitset>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "inferlens/columns.hpp"
#include "inferlens/detail/json.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/error.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {

/// Whether a number fits its column's type and rule (check_number says why not).
INFERLENS_LAZY bool number_fits(column_id c, double v) noexcept {
  const column& k = info(c);
  if (std::isnan(v)) return false;
  if (k.rule == value_rule::rate) return v > 0;
  if (std::isinf(v)) return false;
  if (k.type == column_type::integer && !integral(v)) return false;
  if (k.type == column_type::boolean) return true;
  if (k.rule == value_rule::positive) return v > 0;
  if (k.rule == value_rule::non_negative) return v >= 0;
  return true;
}

/// Checks a number against a column's type and rule; returns the complaint, or "" when it fits.
INFERLENS_LAZY std::string check_number(column_id c, double v) {
  if (number_fits(c, v)) return {};
  const column& k = info(c);
  if (std::isnan(v)) return "must be a number, got NaN";
  if (k.rule == value_rule::rate) {
    if (!(v > 0)) return "must be positive (or inf), got " + shortest(v);
    return {};
  }
  if (std::isinf(v)) return "must be finite, got " + shortest(v);
  if (k.type == column_type::integer && !integral(v)) return "expected a whole number, got " + shortest(v);
  if (k.type == column_type::boolean) return {};
  if (k.rule == value_rule::positive && !(v > 0)) return "must be positive, got " + shortest(v);
  if (k.rule == value_rule::non_negative && v < 0) return "must not be negative, got " + shortest(v);
  return {};
}

/// Reads a CSV cell or a vLLM --metadata string as a number of a numeric column (booleans as
/// true/false/1/0; "1024.0" as pandas writes int columns with gaps). Returns false when there is
/// no value (an empty cell) and sets `out`; throws nothing: a bad value gives `message`.
INFERLENS_LAZY bool read_number_text(column_id c, std::string_view text, double& out, std::string& message) {
  message.clear();
  if (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' || text.back() == '\t')) text = trim(text);
  if (text.empty()) return false;
  const column& k = info(c);
  if (k.type == column_type::boolean) {
    if (const auto b = parse_bool(text)) {
      out = *b ? 1.0 : 0.0;
      return true;
    }
    message = "expected true or false, got " + quote_excerpt(text);
    return false;
  }
  if (const auto d = parse_double(text)) {
    out = *d;
    if (!number_fits(c, out)) message = check_number(c, out);
    return true;
  }
  if (c == cols::request_rate && text == "trace") return false;  // SGLang trace replay: no nominal rate
  const bool overflowing =
      text.find_first_of("eE") != std::string_view::npos && text.find_first_not_of("+-.0123456789eE") == std::string_view::npos;
  message = std::string(k.type == column_type::integer ? "expected a whole number" : "expected a number") + ", got " +
            quote_excerpt(text) + (overflowing ? " (it overflows a double)" : "");
  return false;
}

/// After derive(): the deployment throughputs it filled from per-GPU figures and GPU counts add
/// up as given ones must (total >= output, input + output = total), else the table would hold
/// figures its own reader refuses. Given figures were checked by check_consistency() before.
template <class Fail>
void check_derived(const benchmark_point& p, const Fail& fail) {
  if (!p.total_token_throughput || !p.output_throughput) return;
  const double total = *p.total_token_throughput, out = *p.output_throughput;
  const auto near = [](double a, double c) { return std::abs(a - c) <= 1e-3 * std::max({1.0, std::abs(a), std::abs(c)}); };
  const bool below = total < out && !near(total, out);
  const bool sum = p.input_throughput && !near(*p.input_throughput + out, total);
  if (!below && !sum) return;
  const auto count = [](const std::optional<std::int64_t>& n) { return n ? std::to_string(*n) : std::string("?"); };
  std::string gpus = count(p.num_gpus) + " GPUs";
  if (uses_worker_pools(p)) gpus += " (prefill " + count(p.prefill.gpus) + ", decode " + count(p.decode.gpus) + ")";
  fail(below ? "output_tput_per_gpu" : "input_tput_per_gpu",
       "the per-GPU throughputs contradict each other: on " + gpus + " they give total " + shortest(total) + ", output " +
           shortest(out) + (p.input_throughput ? ", input " + shortest(*p.input_throughput) : std::string()) +
           " tokens/s, and total = input + output");
}

/// Figures that contradict each other. `v(c)`: a column's value in the row (NaN when missing);
/// `fail(field, message)` reports (and throws).
template <class Value, class Fail>
void check_consistency(const Value& v, const Fail& fail) {
  const auto has = [&](column_id c) { return !std::isnan(v(c)); };
  // within rounding: files print figures to a few decimals
  const auto near = [](double a, double c) { return std::abs(a - c) <= 1e-3 * std::max({1.0, std::abs(a), std::abs(c)}); };
  const double total = v(cols::total_token_throughput), out = v(cols::output_throughput), in = v(cols::input_throughput);
  if (total < out && !near(total, out))
    fail("total_token_throughput", "is below output_throughput (" + shortest(out) + "): total = input + output tokens/s");
  if (has(cols::input_throughput) && has(cols::output_throughput) && has(cols::total_token_throughput) && !near(in + out, total))
    fail("input_throughput", "input_throughput " + shortest(in) + " + output_throughput " + shortest(out) +
                                 " differ from total_token_throughput " + shortest(total));
  const bool pools = v(cols::multinode) == 1.0 || has(cols::prefill_gpus) || has(cols::decode_gpus) ||
                     has(cols::prefill_num_workers) || has(cols::decode_num_workers);
  const double per = v(cols::tput_per_gpu), out_per = v(cols::output_tput_per_gpu), in_per = v(cols::input_tput_per_gpu);
  if (!pools && has(cols::tput_per_gpu)) {  // one denominator: the per-GPU figures add up too
    if (out_per > per && !near(out_per, per))
      fail("output_tput_per_gpu", "is above tput_per_gpu (" + shortest(per) + ") on a single-node point");
    if (has(cols::output_tput_per_gpu) && has(cols::input_tput_per_gpu) && !near(in_per + out_per, per))
      fail("input_tput_per_gpu", "input_tput_per_gpu " + shortest(in_per) + " + output_tput_per_gpu " + shortest(out_per) +
                                     " differ from tput_per_gpu " + shortest(per));
  }
  if (v(cols::completed) > v(cols::num_prompts))
    fail("completed", "is above num_prompts (" + shortest(v(cols::num_prompts)) + ")");
  const auto whole = [&](column_id c, std::int64_t dflt) -> std::optional<std::int64_t> {
    return has(c) ? integral(v(c)) : std::optional<std::int64_t>(dflt);
  };
  if (!pools && has(cols::tp) && !checked_product(whole(cols::tp, 1), whole(cols::pp, 1), whole(cols::pcp, 1)))
    fail("tp", "tp × pp × pcp overflows a 64-bit GPU count");
  for (auto [workers, tp, pp, pcp] : {std::array{cols::prefill_num_workers, cols::prefill_tp, cols::prefill_pp, cols::prefill_pcp},
                                      std::array{cols::decode_num_workers, cols::decode_tp, cols::decode_pp, cols::decode_pcp}})
    if (has(workers) && has(tp) && !checked_product(whole(workers, 1), whole(tp, 1), whole(pp, 1), whole(pcp, 1)))
      fail(name_of(workers), "workers × tp × pp × pcp overflows a 64-bit GPU count");
}

/// Collects the fields of one row, checking each as it arrives and naming it in errors.
struct point_builder {
  std::string file;
  std::optional<std::size_t> row;
  benchmark_point point;
  std::bitset<point_column_count> given;  ///< set by this row
  // SGLang: random_input_len / random_output_len are nominal lengths only for random datasets
  std::string dataset_name;
  std::optional<std::int64_t> random_input_len, random_output_len;

  explicit point_builder(std::string_view file_name) : file(file_name) {}

  INFERLENS_LAZY void start(std::optional<std::size_t> row_number) {
    row = row_number;
    point = benchmark_point{};
    given.reset();
    dataset_name.clear();
    random_input_len.reset();
    random_output_len.reset();
  }

  INFERLENS_LAZY [[noreturn]] void fail(std::string_view field, const std::string& message) const {
    throw input_error(input_location{file, row, std::nullopt, std::string(field)}, message);
  }

  INFERLENS_LAZY bool has(column_id c) const noexcept { return given[index_of(c)]; }

  /// Sets a checked number; a column given twice (as its name and an alias, say) must agree.
  INFERLENS_LAZY void set_number(column_id c, double v, std::string_view field) {
    if (!number_fits(c, v)) fail(field, check_number(c, v));
    v += 0.0;  // -0 is 0
    if (has(c)) {
      const double before = number(point, c);
      if (before != v) fail(field, "given twice with different values (" + shortest(before) + " and " + shortest(v) + ")");
      return;
    }
    given.set(index_of(c));
    set_number_unchecked(c, v);
  }

  /// Sets a text value; it must be valid UTF-8 and, given twice, agree.
  INFERLENS_LAZY void set_text(column_id c, std::string_view v, std::string_view field) {
    if (v.empty()) return;
    if (const std::size_t bad = invalid_utf8_at(v); bad != std::string_view::npos)
      fail(field, "invalid UTF-8 at byte " + std::to_string(bad) + " of the value " + quote_excerpt(v));
    if (has(c)) {
      if (text(point, c) != v)
        fail(field, "given twice with different values (" + quote_excerpt(text(point, c)) + " and " + quote_excerpt(v) + ")");
      return;
    }
    given.set(index_of(c));
    inferlens::set_text(point, c, v);
  }

  /// Sets a column from text as CSV cells and vLLM --metadata strings spell values; empty is
  /// missing. Numbers may be written "1024.0" (as pandas writes int columns with gaps).
  INFERLENS_LAZY void set_from_text(column_id c, std::string_view text, std::string_view field) {
    if (info(c).type == column_type::text) return set_text(c, text, field);
    double v = 0;
    std::string message;
    const bool value = read_number_text(c, text, v, message);
    if (!message.empty()) fail(field, message);
    if (value) set_number(c, v, field);
  }

  /// Sets a column from a JSON value. `typed`: the source writes this key with its JSON type
  /// (a string is an error for a number); otherwise strings are read as text cells. null is
  /// missing. `scale` converts units (1e-3 for milliseconds).
  INFERLENS_LAZY void set_from_json(column_id c, const json_value& v, bool typed, std::string_view field, double scale = 1) {
    using K = json_value::kind;
    const column& k = info(c);
    if (v.type == K::null) return;
    if (v.overflow) fail(field, "the number " + quote_excerpt(v.text) + " overflows a double");
    const auto expected = [&] {
      return std::string("expected ") +
             (k.type == column_type::text      ? "a string"
              : k.type == column_type::boolean ? "a boolean"
              : k.type == column_type::integer ? "a whole number"
                                               : "a number") +
             ", got " + std::string(kind_name(v.type)) + (v.type == K::string ? " " + quote_excerpt(v.text) : "");
    };
    if (v.type == K::object || v.type == K::array) fail(field, expected());
    switch (k.type) {
      case column_type::text:
        if (v.type == K::string) return set_text(c, v.text, field);
        if (v.type == K::integer) return set_text(c, std::to_string(v.integer), field);  // a run id as a number
        fail(field, expected());
      case column_type::boolean:
        if (v.type == K::boolean) return set_number(c, v.boolean ? 1.0 : 0.0, field);
        if (v.type == K::string) {
          if (v.text == "true" || v.text == "True") return set_number(c, 1.0, field);
          if (v.text == "false" || v.text == "False") return set_number(c, 0.0, field);
          if (!typed) return set_from_text(c, v.text, field);
        }
        fail(field, expected());
      case column_type::integer:
      case column_type::real:
        if (v.type == K::integer) return set_number(c, static_cast<double>(v.integer) * scale, field);
        if (v.type == K::real) return set_number(c, v.real * scale, field);
        if (v.type == K::string && (!typed || c == cols::request_rate)) {  // vLLM writes request_rate "inf"
          if (scale != 1) fail(field, expected());
          return set_from_text(c, v.text, field);
        }
        fail(field, expected());
    }
  }

  /// Fails unless at least one of the columns was given.
  INFERLENS_LAZY void require_any(std::initializer_list<column_id> any_of) const {
    for (column_id c : any_of)
      if (has(c)) return;
    std::vector<std::string_view> names;
    for (column_id c : any_of) names.push_back(name_of(c));
    fail(names.front(), "missing: expected " + join_or(names));
  }

  INFERLENS_LAZY void set_number_unchecked(column_id c, double v) noexcept { inferlens::set_number(point, c, v); }

};

// ---------------------------------------------------------------------------------------------
// Key tables: each harness's JSON keys onto columns
// ---------------------------------------------------------------------------------------------

enum class key_kind : unsigned char {
  column,            ///< sets `column`
  ignore,            ///< known and deliberately not read
  dataset_name,      ///< SGLang: tells whether random_input_len / random_output_len apply
  random_input_len,  ///< SGLang: nominal ISL of the random dataset
  random_output_len,
};

struct key_action {
  key_kind kind = key_kind::ignore;
  bool millis = false;  ///< the value is in milliseconds, the column in seconds
  bool typed = true;    ///< see point_builder::set_from_json
  column_id column = cols::model;
};

/// Exact (case-sensitive) JSON key -> action.
struct key_table {
  std::unordered_map<std::string_view, key_action> map;
  std::deque<std::string> generated;  ///< storage for keys that are not column names

  INFERLENS_LAZY const key_action* find(std::string_view key) const noexcept {
    const auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
  }
  INFERLENS_LAZY void add(std::string_view key, key_action a) { map[key] = a; }
  INFERLENS_LAZY void add(std::string_view key, column_id c, bool typed, bool millis = false) {
    add(key, key_action{key_kind::column, millis, typed, c});
  }
  INFERLENS_LAZY void add_generated(std::string key, column_id c, bool typed, bool millis) {
    map[generated.emplace_back(std::move(key))] = key_action{key_kind::column, millis, typed, c};
  }
  INFERLENS_LAZY void add_columns(bool typed) {
    for (const column& c : columns())
      if (!c.economic()) add(c.name, c.id, typed);
    for (const column_alias& a : column_aliases) add(a.alias, a.column, typed);
  }
};

/// The benchmark clients' latency keys, {stat}_{metric}_ms in milliseconds (SGLang also spells
/// e2el as e2e_latency), and vLLM's "request_goodput:" with its trailing colon (sic).
INFERLENS_LAZY void add_millisecond_keys(key_table& t) {
  constexpr std::string_view stats[] = {"mean", "median", "std", "p90", "p99", "p99.9"};
  for (std::string_view metric : {"ttft", "tpot", "itl", "e2el"})
    for (std::string_view stat : stats) {
      const std::string name = std::string(stat) + "_" + std::string(metric);
      const column_id c = *lookup_column(name);
      t.add_generated(name + "_ms", c, true, true);
      if (metric == "e2el") t.add_generated(std::string(stat) + "_e2e_latency_ms", c, true, true);
    }
  t.add("request_goodput:", cols::request_goodput, true);
}

/// Canonical column names and aliases: InferenceMAX agg rows and the library's own JSON. The
/// clients' millisecond keys are understood too, so an array of raw client objects reads right.
INFERLENS_LAZY const key_table& row_keys() {
  static const key_table table = [] {
    key_table t;
    t.add_columns(true);
    add_millisecond_keys(t);
    return t;
  }();
  return table;
}

/// Raw benchmark-client results: `vllm bench serve` / InferenceMAX benchmark_serving.py and
/// SGLang bench_serving. Their own keys are typed; any other key that names a column is read as
/// vLLM --metadata (strings allowed).
INFERLENS_LAZY const key_table& client_keys() {
  static const key_table table = [] {
    key_table t;
    t.add_columns(false);
    for (column_id c : {cols::num_prompts, cols::request_rate, cols::date, cols::duration, cols::completed, cols::failed,
                        cols::total_input_tokens, cols::total_output_tokens, cols::request_throughput,
                        cols::request_goodput, cols::input_throughput, cols::output_throughput,
                        cols::total_token_throughput})
      t.add(name_of(c), c, true);
    t.add("model_id", cols::model_raw, true);
    t.add("model", cols::model, false);  // a --metadata model=NAME: the canonical name
    t.add("max_concurrency", cols::concurrency, true);
    add_millisecond_keys(t);
    // SGLang bench_serving
    t.add("total_input", cols::total_input_tokens, true);
    t.add("total_output", cols::total_output_tokens, true);
    t.add("total_throughput", cols::total_token_throughput, true);
    t.add("concurrency", key_action{});  // SGLang: Little's-law mean concurrency, a measurement, not the limit
    t.add("dataset_name", key_action{key_kind::dataset_name});
    t.add("random_input_len", key_action{key_kind::random_input_len});
    t.add("random_output_len", key_action{key_kind::random_output_len});
    return t;
  }();
  return table;
}

/// Applies one key of a client or row object.
INFERLENS_LAZY void apply_key(point_builder& b, const key_action& a, const json_value& v, std::string_view key) {
  switch (a.kind) {
    case key_kind::column: return b.set_from_json(a.column, v, a.typed, key, a.millis ? 1e-3 : 1.0);
    case key_kind::dataset_name:
      if (v.type == json_value::kind::string) b.dataset_name = v.text;
      return;
    case key_kind::random_input_len:
    case key_kind::random_output_len: {
      if (v.type == json_value::kind::null) return;
      if (v.type != json_value::kind::integer || v.integer <= 0)
        b.fail(key, "expected a positive whole number, got " + std::string(kind_name(v.type)));
      (a.kind == key_kind::random_input_len ? b.random_input_len : b.random_output_len) = v.integer;
      return;
    }
    case key_kind::ignore: return;
  }
}

/// Reads one JSON object at the scanner into `b` through `keys`; unknown keys are skipped.
/// `on_other(key, scanner)` may read keys the table does not know (it must consume the value);
/// return false to skip them.
template <class OnOther>
void read_object(json_scanner& in, const key_table& keys, point_builder& b, std::string& key_scratch,
                 std::string& value_scratch, OnOther&& on_other) {
  in.expect('{', "to open a result object");
  if (in.consume('}')) return;
  for (;;) {
    const std::string key(in.string(key_scratch));
    in.expect(':', "after an object key");
    const key_action* a = keys.find(key);
    if (a && a->kind != key_kind::ignore) {
      const json_value v = in.value(value_scratch);
      apply_key(b, *a, v, key);
    } else if (!on_other(key, in)) {
      in.skip_value();
    }
    if (in.consume(',')) continue;
    in.expect('}', "or ',' after an object member");
    return;
  }
}
INFERLENS_LAZY void read_object(json_scanner& in, const key_table& keys, point_builder& b, std::string& key_scratch,
                        std::string& value_scratch) {
  read_object(in, keys, b, key_scratch, value_scratch, [](std::string_view, json_scanner&) { return false; });
}

}  // namespace detail
INFERLENS_END_NAMESPACE
