// Workloads: what each request asks for. Random prompts at a nominal ISL/OSL with a range ratio
// under either convention, prompts from a JSONL file, and trace replay (arrival time, input and
// output length). Everything is seeded and reproducible on every platform: the generator and the
// distributions are written here, not taken from <random> (whose distributions differ between
// standard libraries).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "inferlens/error.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

// ---------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------

/// xoshiro256** seeded through splitmix64: fast, and the same sequence everywhere.
class rng {
 public:
  explicit rng(std::uint64_t seed) noexcept {
    for (auto& w : s_) w = splitmix(seed);
  }
  /// A generator for one named stream of a seed (dataset lengths, prompt bodies, arrivals), so
  /// that adding draws to one never shifts another.
  static rng stream(std::uint64_t seed, std::uint64_t stream_id, std::uint64_t index = 0) noexcept {
    std::uint64_t x = seed ^ (0x9E3779B97F4A7C15ull * (stream_id + 1));
    x = splitmix(x) ^ index;
    return rng(splitmix(x));
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, 1).
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [lo, hi] (inclusive), without modulo bias.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) noexcept {
    if (hi <= lo) return lo;
    const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
    if (span == 0) return static_cast<std::int64_t>(next());  // the full 64-bit range
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    std::uint64_t x;
    do x = next();
    while (x >= limit);
    return lo + static_cast<std::int64_t>(x % span);
  }
  /// Exponential with mean 1.
  double exponential() noexcept { return -std::log1p(-uniform()); }
  /// Standard normal (Box–Muller; one value per call keeps the stream simple).
  double normal() noexcept {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  /// Gamma(shape, scale = 1) by Marsaglia–Tsang; shape < 1 through the U^(1/shape) boost.
  double gamma(double shape) noexcept {
    if (!(shape > 0.0)) return 0.0;
    if (shape == 1.0) return exponential();
    if (shape < 1.0) {
      double u = uniform();
      while (u <= 0.0) u = uniform();
      return gamma(shape + 1.0) * std::pow(u, 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (u > 0.0 && std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::array<std::uint64_t, 4> s_{};
};

// ---------------------------------------------------------------------------------------------
// Prompts
// ---------------------------------------------------------------------------------------------

/// One request of a workload.
struct prompt {
  std::vector<std::int32_t> token_ids;  ///< the prompt as token ids (empty when only text is known)
  std::string text;                     ///< the prompt as text (empty: rendered from token_ids)
  std::int64_t input_len = 0;           ///< intended input tokens (the server's usage is authoritative)
  std::int64_t output_len = 0;          ///< max_tokens asked for
  std::optional<double> arrival_s;      ///< trace replay: seconds after the run's start
};

/// How the range ratio r spreads lengths around the nominal L. Both draw integers uniformly.
enum class range_convention {
  inferencemax,  ///< [floor(r·L), L] — InferenceMAX's client and SGLang (mean ≈ L(1+r)/2)
  vllm,          ///< [floor(L(1−r)), ceil(L(1+r))] — newer `vllm bench serve` (mean ≈ L)
};

inline std::string_view to_string(range_convention c) noexcept {
  return c == range_convention::inferencemax ? "inferencemax" : "vllm";
}
inline std::optional<range_convention> parse_range_convention(std::string_view s) noexcept {
  if (s == "inferencemax" || s == "infmax" || s == "sglang") return range_convention::inferencemax;
  if (s == "vllm") return range_convention::vllm;
  return std::nullopt;
}

/// The longest prompt or output the generator makes (2^24 tokens, past every model's context):
/// a typo such as --isl 99999999999 is an error, not an allocation failure.
inline constexpr std::int64_t max_sequence_tokens = std::int64_t{1} << 24;

/// Inclusive length bounds. Lengths are at least 1 (InferenceMAX's int(r·L) can be 0 at r = 0).
struct length_bounds {
  std::int64_t min = 1, max = 1;
};

inline length_bounds bounds_for(std::int64_t nominal, double ratio, range_convention c) {
  if (nominal < 1 || nominal > max_sequence_tokens)
    throw input_error({"", {}, {}, "length"}, "length must be in [1, " + std::to_string(max_sequence_tokens) + "], got " + std::to_string(nominal));
  if (!(ratio >= 0.0 && ratio <= 1.0) || (c == range_convention::vllm && ratio >= 1.0))
    throw input_error({"", {}, {}, "range_ratio"},
                      "range ratio must be in [0, 1] (inferencemax) or [0, 1) (vllm), got " + std::to_string(ratio));
  const double l = static_cast<double>(nominal);
  length_bounds b;
  if (c == range_convention::inferencemax) {
    b.min = static_cast<std::int64_t>(l * ratio);  // Python int(): truncation
    b.max = nominal;
  } else {
    b.min = static_cast<std::int64_t>(std::floor(l * (1.0 - ratio)));
    b.max = static_cast<std::int64_t>(std::ceil(l * (1.0 + ratio)));
  }
  b.min = std::max<std::int64_t>(b.min, 1);
  b.max = std::max(b.max, b.min);
  return b;
}

/// Options of the random dataset.
struct random_options {
  std::int64_t isl = 1024, osl = 1024;
  double range_ratio = 0.0;  ///< with the vllm convention, 0 is a fixed length
  range_convention convention = range_convention::vllm;
  std::uint64_t seed = 0;
  /// Token ids are drawn from [min, max): above most vocabularies' specials and below every
  /// common vocabulary size (Llama-2 has 32,000), so any model accepts them.
  std::int32_t token_id_min = 1000, token_id_max = 30000;
  /// One random prefix of this many tokens shared by every prompt (vLLM's --random-prefix-len,
  /// for prefix-cache studies): a prompt's input is prefix_len + its drawn length.
  std::int64_t prefix_len = 0;
};

namespace detail {
enum stream_ids : std::uint64_t { lengths_stream = 1, body_stream = 2, arrivals_stream = 3, prefix_stream = 4 };
}  // namespace detail

/// Prompt bodies for a given length, reproducible per (seed, index) whatever the count.
inline std::vector<std::int32_t> random_token_ids(std::int64_t len, std::uint64_t seed, std::uint64_t index,
                                                  std::int32_t id_min = 1000, std::int32_t id_max = 30000) {
  rng g = rng::stream(seed, detail::body_stream, index);
  std::vector<std::int32_t> ids(static_cast<std::size_t>(std::max<std::int64_t>(len, 0)));
  for (auto& id : ids) id = static_cast<std::int32_t>(g.uniform_int(id_min, id_max - 1));
  return ids;
}

/// `n` random prompts. Lengths come from one stream (so prompt k is the same whatever n is) and
/// each body from its own.
inline std::vector<prompt> random_prompts(const random_options& o, std::size_t n) {
  const length_bounds in = bounds_for(o.isl, o.range_ratio, o.convention);
  const length_bounds out = bounds_for(o.osl, o.range_ratio, o.convention);
  if (o.token_id_min < 0 || o.token_id_max <= o.token_id_min)
    throw input_error({"", {}, {}, "token_id_range"}, "token id range is empty");
  if (o.prefix_len < 0 || o.prefix_len > max_sequence_tokens)
    throw input_error({"", {}, {}, "prefix_len"}, "prefix length must be in [0, " + std::to_string(max_sequence_tokens) + "]");
  rng lengths = rng::stream(o.seed, detail::lengths_stream);
  std::vector<prompt> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i].input_len = lengths.uniform_int(in.min, in.max);
    v[i].output_len = lengths.uniform_int(out.min, out.max);
  }
  std::vector<std::int32_t> prefix;
  if (o.prefix_len > 0) {
    rng g = rng::stream(o.seed, detail::prefix_stream);
    prefix.resize(static_cast<std::size_t>(o.prefix_len));
    for (auto& id : prefix) id = static_cast<std::int32_t>(g.uniform_int(o.token_id_min, o.token_id_max - 1));
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::int32_t> body = random_token_ids(v[i].input_len, o.seed, i, o.token_id_min, o.token_id_max);
    if (prefix.empty()) {
      v[i].token_ids = std::move(body);
    } else {
      v[i].token_ids.reserve(prefix.size() + body.size());
      v[i].token_ids = prefix;
      v[i].token_ids.insert(v[i].token_ids.end(), body.begin(), body.end());
      v[i].input_len += o.prefix_len;
    }
  }
  return v;
}

/// Words that are one token each (with their leading space) in the GPT-2/cl100k, Llama and Qwen
/// vocabularies, so a text prompt of N words is close to N tokens. The server's
/// usage.prompt_tokens is still what the results count.
inline constexpr std::string_view prompt_words[] = {
    "the",   "of",    "and",   "to",    "in",    "is",    "that",  "for",   "it",    "as",    "was",   "with",
    "be",    "by",    "on",    "not",   "he",    "this",  "are",   "or",    "his",   "from",  "at",    "which",
    "but",   "have",  "an",   "had",   "they",  "you",   "were",  "their", "one",   "all",   "we",    "can",
    "her",   "has",   "there", "been",  "if",    "more",  "when",  "will",  "would", "who",   "so",    "no",
    "time",  "new",   "like",  "man",   "day",   "world", "life",  "year",  "work",  "people", "water", "house",
    "city",  "light", "small", "large", "great", "good",  "long",  "high",  "old",   "right", "place", "home",
    "hand",  "part",  "point", "form",  "line",  "name",  "side",  "state", "game",  "car",   "book",  "story",
    "open",  "close", "read",  "write", "play",  "run",   "move",  "live",  "turn",  "show",  "call",  "keep",
    "red",   "blue",  "green", "black", "white", "north", "south", "east",  "west",  "river", "road",  "tree",
};

/// The text form of a prompt: its text, or its token ids rendered as one word per id.
inline std::string prompt_text(const prompt& p) {
  if (!p.text.empty() || p.token_ids.empty()) return p.text;
  constexpr std::size_t nwords = std::size(prompt_words);
  std::string s;
  s.reserve(p.token_ids.size() * 6);
  for (std::size_t i = 0; i < p.token_ids.size(); ++i) {
    if (i) s.push_back(' ');
    s.append(prompt_words[static_cast<std::size_t>(p.token_ids[i]) % nwords]);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

namespace detail {

/// The largest dataset or trace file read: a bound on a wrong path (a device, a log), not on
/// real datasets.
inline constexpr std::uintmax_t max_jsonl_file_bytes = std::uintmax_t{4} << 30;

template <class F>
void for_each_jsonl(const std::string& path, F&& on_row) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw input_error({path, {}, {}, ""}, "cannot open file");
  if (S_ISDIR(st.st_mode)) throw input_error({path, {}, {}, ""}, "is a directory, not a file");
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
    throw input_error({path, {}, {}, ""}, "not a regular file (a device or socket)");
  const std::string too_large = "larger than the limit of " + std::to_string(max_jsonl_file_bytes) + " bytes";
  if (S_ISREG(st.st_mode) && static_cast<std::uintmax_t>(st.st_size) > max_jsonl_file_bytes)
    throw input_error({path, {}, {}, ""}, too_large);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error({path, {}, {}, ""}, "cannot open file");
  std::string line;
  std::size_t row = 0;
  std::uintmax_t total = 0;
  while (std::getline(in, line)) {
    total += line.size() + 1;
    if (total > max_jsonl_file_bytes) throw input_error({path, {}, {}, ""}, too_large);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++row;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw input_error({path, row, e.byte > 0 ? std::optional<std::size_t>(e.byte - 1) : std::nullopt, ""},
                        std::string("not valid JSON: ") + e.what());
    } catch (const nlohmann::json::exception& e) {  // a number that overflows a double (out_of_range.406)
      throw input_error({path, row, {}, ""}, std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw input_error({path, row, {}, ""}, "expected a JSON object per line");
    on_row(j, input_location{path, row, {}, ""});
  }
  if (row == 0) throw input_error({path, {}, {}, ""}, "no records in file");
}

inline const nlohmann::json* first_of(const nlohmann::json& j, std::initializer_list<const char*> keys,
                                      std::string* found = nullptr) {
  for (const char* k : keys)
    if (auto it = j.find(k); it != j.end() && !it->is_null()) {
      if (found) *found = k;
      return &*it;
    }
  return nullptr;
}

inline std::int64_t positive_int(const nlohmann::json& v, input_location where, const std::string& field) {
  where.field = field;
  if (!v.is_number_integer() && !(v.is_number_float() && v.get<double>() == std::floor(v.get<double>())))
    throw input_error(where, "expected an integer");
  // a float beyond 2^63 (or an unsigned beyond INT64_MAX) does not convert to int64
  if ((v.is_number_float() && !(std::fabs(v.get<double>()) < 9.2e18)) ||
      (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)))
    throw input_error(where, "expected a positive integer, got " + v.dump());
  const auto x = v.get<std::int64_t>();
  if (x < 1) throw input_error(where, "expected a positive integer, got " + std::to_string(x));
  return x;
}

}  // namespace detail

/// Prompts from a JSONL file, one object per line:
///   "prompt": a string or an array of token ids (also "prompt_token_ids", "text");
///   optional "output_len" (or "max_tokens", "output_tokens"), default `default_osl`;
///   optional "input_len" (default: the id count, or the word count of a text prompt).
inline std::vector<prompt> load_prompt_file(const std::string& path, std::int64_t default_osl) {
  std::vector<prompt> out;
  detail::for_each_jsonl(path, [&](const nlohmann::json& j, input_location where) {
    prompt p;
    std::string key;
    const nlohmann::json* body = detail::first_of(j, {"prompt", "prompt_token_ids", "text"}, &key);
    where.field = key.empty() ? "prompt" : key;
    if (!body) throw input_error(where, "missing \"prompt\"");
    if (body->is_string()) {
      p.text = body->get<std::string>();
      if (p.text.empty()) throw input_error(where, "empty prompt");
      std::int64_t words = 0;
      bool in_word = false;
      for (char c : p.text) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (!space && !in_word) ++words;
        in_word = !space;
      }
      p.input_len = words;
    } else if (body->is_array() && !body->empty()) {
      for (const auto& id : *body) {
        if (!id.is_number_integer() || id.get<std::int64_t>() < 0 || id.get<std::int64_t>() > INT32_MAX)
          throw input_error(where, "expected token ids (non-negative integers)");
        p.token_ids.push_back(id.get<std::int32_t>());
      }
      p.input_len = static_cast<std::int64_t>(p.token_ids.size());
    } else {
      throw input_error(where, "expected a non-empty string or array of token ids");
    }
    std::string okey;
    if (const auto* o = detail::first_of(j, {"output_len", "max_tokens", "output_tokens"}, &okey))
      p.output_len = detail::positive_int(*o, where, okey);
    else
      p.output_len = default_osl;
    if (const auto* il = detail::first_of(j, {"input_len"})) p.input_len = detail::positive_int(*il, where, "input_len");
    out.push_back(std::move(p));
  });
  return out;
}

/// Options of trace replay.
struct trace_options {
  std::uint64_t seed = 0;
  double time_scale = 1.0;  ///< multiply arrival gaps (2 = replay at half speed)
  std::int32_t token_id_min = 1000, token_id_max = 30000;
};

/// A request trace in JSONL: one object per request with an arrival time — "timestamp" in
/// milliseconds (Mooncake traces) or "arrival_s"/"arrival_time" in seconds — and
/// "input_length"/"input_len"/"isl" and "output_length"/"output_len"/"osl". Arrivals are
/// shifted so the earliest is at 0, then sorted; prompt bodies are random ids of that length.
inline std::vector<prompt> load_trace(const std::string& path, const trace_options& o = {}) {
  if (!(o.time_scale > 0.0)) throw input_error({path, {}, {}, "time_scale"}, "time scale must be > 0");
  std::vector<prompt> out;
  detail::for_each_jsonl(path, [&](const nlohmann::json& j, input_location where) {
    prompt p;
    std::string key;
    const nlohmann::json* t = detail::first_of(j, {"timestamp", "arrival_s", "arrival_time"}, &key);
    where.field = key.empty() ? "timestamp" : key;
    if (!t) throw input_error(where, "missing arrival time (\"timestamp\" in ms or \"arrival_s\" in s)");
    if (!t->is_number() || !std::isfinite(t->get<double>()) || t->get<double>() < 0)
      throw input_error(where, "expected a non-negative number");
    p.arrival_s = key == "timestamp" ? t->get<double>() / 1000.0 : t->get<double>();
    const nlohmann::json* il = detail::first_of(j, {"input_length", "input_len", "isl"}, &key);
    if (!il) throw input_error({path, where.row, {}, "input_length"}, "missing input length");
    p.input_len = detail::positive_int(*il, where, key);
    const nlohmann::json* ol = detail::first_of(j, {"output_length", "output_len", "osl"}, &key);
    if (!ol) throw input_error({path, where.row, {}, "output_length"}, "missing output length");
    p.output_len = detail::positive_int(*ol, where, key);
    out.push_back(std::move(p));
  });
  std::stable_sort(out.begin(), out.end(), [](const prompt& a, const prompt& b) { return *a.arrival_s < *b.arrival_s; });
  const double t0 = out.front().arrival_s.value_or(0.0);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].arrival_s = (*out[i].arrival_s - t0) * o.time_scale;
    out[i].token_ids = random_token_ids(out[i].input_len, o.seed, i, o.token_id_min, o.token_id_max);
  }
  return out;
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
