// Reading results: load(file or directory, any format) gives a result table. Formats are
// recognised from the content: InferenceMAX/InferenceX aggregated rows (agg_bmk.json), raw
// `vllm bench serve` / InferenceMAX client JSON, SGLang bench_serving JSON lines, GenAI-Perf and
// AIPerf exports, CSV with a header row, and the library's own JSON (docs/formats.md).
//
// Every reader checks each value as it arrives and throws input_error naming the file, the row
// (1-based: array element, CSV data record, JSONL line) and the field, or the byte offset of a
// syntax error. Read points get derive() applied, and `source`/`source_row` set. Policies:
//  - null, an empty CSV cell or an empty string is a missing value, never zero;
//  - latencies, throughputs, token counts, power and energy must be finite and not negative; isl,
//    osl, concurrency, num_gpus and parallel sizes must be positive; request_rate may be inf ("inf"
//    as vLLM writes it, `Infinity` as Python's json writes it); -0 reads as 0;
//  - a column given twice in one row (as its name and an alias) must have the same value;
//  - figures that contradict each other are refused: a total throughput below the output, per-GPU
//    output above per-GPU total on one node, input + output unequal to the total;
//  - text must be valid UTF-8; a number that overflows a double is an error, not inf;
//  - a zero-byte or blank file is an error; an empty JSON array `[]` or a CSV with a header and no
//    data rows is a valid empty result (a sweep that produced nothing);
//  - unknown keys and columns are ignored (schemas grow); a CSV without any known column is an
//    error that lists the columns it saw.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <map>
#include <type_traits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>

#include "inferlens/columns.hpp"
#include "inferlens/detail/csv_reader.hpp"
#include "inferlens/detail/json.hpp"
#include "inferlens/detail/read_csv.hpp"
#include "inferlens/detail/read_exports.hpp"
#include "inferlens/detail/read_rows.hpp"
#include "inferlens/error.hpp"
#include "inferlens/formats.hpp"
#include "inferlens/table.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

namespace detail {

/// Whether the first record names at least one known column.
INFERLENS_LAZY bool looks_like_csv(std::string_view text, const load_options* o) {
  try {
    csv_reader in;
    in.window(text, 0, false);
    std::vector<std::string_view> fields;
    if (in.next(fields) != csv_reader::status::record) {
      in.window(text, 0, true);
      if (in.next(fields) != csv_reader::status::record) return false;
    }
    return std::any_of(fields.begin(), fields.end(), [&](std::string_view f) {
      if (lookup_column(trim(f))) return true;
      if (o)
        for (const auto& m : o->map)
          if (iequals(m.first, trim(f))) return true;
      return false;
    });
  } catch (const csv_syntax_error&) {
    return false;
  }
}

INFERLENS_LAZY file_format detect(std::string_view text, std::string_view name, const load_options* o) {
  json_scanner in(text, utf8_bom_length(text));
  if (in.at_end()) fail_empty(name, file_format::automatic);
  const std::string ext = lower_extension(name);
  const char first = in.peek();
  if (first == '[') {
    bool agg = false;
    try {
      in.expect('[', "");
      if (in.peek() == '{') for_each_key(in, [&](std::string_view k) { agg = agg || k == "infmax_model_prefix"; });
    } catch (const json_syntax_error&) {  // the parse proper reports it
    }
    return agg ? file_format::inferencemax_agg : file_format::inferlens_json;
  }
  if (first == '{') {
    bool sglang = false, vllm = false, aiperf = false, guidellm = false, llmperf = false, more = false;
    std::vector<std::string> seen;
    try {
      for_each_key(in, [&](std::string_view k) {
        if (seen.size() < 8) seen.emplace_back(k);
        sglang = sglang || k == "dataset_name" || k == "total_throughput" || k == "server_info" || k.ends_with("_e2e_latency_ms");
        vllm = vllm || k == "model_id" || k == "tokenizer_id" || k == "request_goodput:" || k == "burstiness" ||
               (k.ends_with("_ms") && !k.ends_with("_e2e_latency_ms"));
        aiperf = aiperf || k == "records" || k == "aiperf_version" || k == "time_to_first_token" || k == "inter_token_latency" ||
                 k == "request_latency" || k == "benchmark_duration" || k == "output_token_throughput";
        guidellm = guidellm || k == "benchmarks";
        llmperf = llmperf || k.starts_with("results_") || k == "num_concurrent_requests";
      });
      more = !in.at_end();
    } catch (const json_syntax_error&) {  // judged by the keys before it; the parse proper reports it
    }
    const auto has_key = [&](std::string_view k) { return std::find(seen.begin(), seen.end(), k) != seen.end(); };
    if (has_key("index") && has_key("warmup") && has_key("ok"))
      throw input_error(input_location{std::string(name), {}, {}, {}},
                        "a per-request log of inferlens bench (requests/*.jsonl), not benchmark results: load the bench "
                        "output directory or its sweep.json");
    if (has_key("format") && has_key("runs") && seen.size() == 2)
      throw input_error(input_location{std::string(name), {}, {}, {}},
                        "the run manifest of inferlens bench (run.json), not benchmark results: load the bench output "
                        "directory or its sweep.json");
    if (guidellm) return file_format::guidellm_json;
    if (llmperf) return file_format::llmperf_summary;
    if (aiperf && !more && !vllm && !sglang) return file_format::aiperf_json;
    if (sglang || (ext == ".jsonl" && !vllm)) return file_format::sglang_jsonl;
    if (vllm) return file_format::vllm_client;  // one object, or several (vllm bench serve --append-result)
    if (more) return file_format::sglang_jsonl;
    std::string keys;
    for (const auto& k : seen) keys += (keys.empty() ? "" : ", ") + quote_excerpt(k);
    throw input_error(input_location{std::string(name), {}, {}, {}},
                      "a JSON object of no known harness (its keys: " + (keys.empty() ? std::string("none") : keys) +
                          "): expected a vLLM/InferenceMAX client result (model_id, *_ms latencies), SGLang bench_serving "
                          "lines (dataset_name, *_e2e_latency_ms), an AIPerf/GenAI-Perf export (time_to_first_token, "
                          "request_latency, ...), a GuideLLM report (benchmarks) or an llmperf summary (results_*)");
  }
  if (ext == ".csv" || looks_like_csv(text, o)) return file_format::csv;
  const std::string_view rest = text.substr(in.pos());
  throw input_error(input_location{std::string(name), {}, in.pos(), {}},
                    "not a result file: " + std::string(expectation(file_format::automatic)) + ", got " +
                        quote_excerpt(rest.substr(0, rest.find_first_of("\r\n"))));
}

/// What a path names, without following a final symlink when asked (POSIX stat).
struct path_kind {
  bool exists = false, directory = false, regular = false, symlink = false;
  int error = 0;
};
INFERLENS_LAZY path_kind kind_of(const std::string& path, bool follow = true) {
  struct stat st {};
  path_kind k;
  if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0) {
    k.error = errno;
    return k;
  }
  k.exists = true;
  k.directory = S_ISDIR(st.st_mode);
  k.regular = S_ISREG(st.st_mode);
  k.symlink = S_ISLNK(st.st_mode);
  return k;
}

INFERLENS_LAZY std::string join_path(const std::string& dir, std::string_view name) {
  return dir.empty() || dir.back() == '/' ? dir + std::string(name) : dir + "/" + std::string(name);
}

/// Paths in the order of their components ("a/b" before "a-b"), as a directory listing reads.
INFERLENS_LAZY bool path_less(std::string_view a, std::string_view b) {
  for (;;) {
    const auto ea = a.find('/'), eb = b.find('/');
    const std::string_view ca = a.substr(0, ea), cb = b.substr(0, eb);
    if (ca != cb) return ca < cb;
    if (ea == std::string_view::npos || eb == std::string_view::npos) return ea == std::string_view::npos && eb != std::string_view::npos;
    a.remove_prefix(ea + 1);
    b.remove_prefix(eb + 1);
  }
}

/// The result files under a directory: *.json, *.jsonl and *.csv, recursively (hidden files and
/// folders, named with a leading '.', and symlinked folders skipped). A folder written by
/// `inferlens bench` contributes its sweep.json only: its results/ hold the same points and its
/// requests/ per-request logs. A folder that cannot be listed is an error, not a silent gap.
struct directory_walk {
  std::vector<std::string> files;
  std::vector<std::pair<std::string, input_error>> errors;
  std::map<std::string, std::string> notes;  // file -> what the walk decided about its folder

  INFERLENS_LAZY static bool bench_output(const std::string& dir) {
    return kind_of(join_path(dir, "sweep.json")).regular &&
           (kind_of(join_path(dir, "run.json")).regular || kind_of(join_path(dir, "results")).directory ||
            kind_of(join_path(dir, "requests")).directory);
  }

  INFERLENS_LAZY void visit(const std::string& dir, int depth) {
    if (depth > 64) return;
    if (bench_output(dir)) {
      files.push_back(join_path(dir, "sweep.json"));
      notes[files.back()] =
          "inferlens bench output: sweep.json read; results/*.json (the same points) and requests/*.jsonl (per-request logs) not";
      return;
    }
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), &::closedir);
    if (!d) {
      errors.emplace_back(dir, input_error(input_location{dir, {}, {}, {}}, std::string("cannot list the directory: ") + std::strerror(errno)));
      return;
    }
    std::vector<std::string> subdirs;
    const bool manifest_beside = kind_of(join_path(dir, "sweep.json")).regular;
    for (errno = 0; const dirent* e = ::readdir(d.get()); errno = 0) {
      const std::string_view file_name = e->d_name;
      if (file_name.empty() || file_name.front() == '.') continue;  // hidden, ".", ".."
      const std::string path = join_path(dir, file_name);
      const path_kind link = kind_of(path, false);
      const path_kind target = link.symlink ? kind_of(path) : link;
      if (target.directory) {
        if (!link.symlink) subdirs.push_back(path);
        continue;
      }
      if (!target.regular) continue;
      const std::string ext = lower_extension(file_name);
      if (file_name == "run.json" && manifest_beside) continue;  // bench's manifest
      if (ext == ".json" || ext == ".jsonl" || ext == ".csv") files.push_back(path);
    }
    if (errno != 0)
      errors.emplace_back(dir, input_error(input_location{dir, {}, {}, {}}, std::string("cannot list the directory: ") + std::strerror(errno)));
    std::sort(subdirs.begin(), subdirs.end(), path_less<>);
    for (const std::string& sub : subdirs) visit(sub, depth + 1);
  }
};

INFERLENS_LAZY void parse_into(std::string_view text, std::string_view name, file_format format, row_sink& sink) {
  if (blank(text)) fail_empty(name, format);
  const bool automatic = format == file_format::automatic;
  if (automatic) format = detect(text, name, sink.options);
  switch (format) {
    case file_format::inferencemax_agg:
    case file_format::inferlens_json:
      // Detected arrays are judged row by row (a file written by the library may mix both).
      return parse_row_array(text, name, automatic ? file_format::automatic : format, sink);
    case file_format::vllm_client:
    case file_format::sglang_jsonl: return parse_client_objects(text, name, format, sink);
    case file_format::csv: {
      csv_parser p(name, sink);
      p.feed(text, 0, true);
      p.finish();
      return;
    }
    case file_format::aiperf_json: return parse_aiperf(text, name, sink);
    case file_format::guidellm_json: return parse_guidellm(text, name, sink);
    case file_format::llmperf_summary: return parse_llmperf(text, name, sink);
    case file_format::automatic: break;
  }
}

/// Reads a file in blocks, never more than the limit; a CSV is parsed block by block, so its
/// text is never held whole.
INFERLENS_LAZY file_format read_file_into(const std::string& file, const load_options& o, row_sink& sink) {
  const std::string& name = file;
  const auto fail = [&](const std::string& m) { throw input_error(input_location{name, {}, {}, {}}, m); };
  struct stat st {};
  if (::stat(name.c_str(), &st) != 0) fail(errno == ENOENT ? "no such file" : std::string("cannot read: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail("is a directory (load() reads directories)");
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) fail("not a regular file (a device or socket)");
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > o.max_file_bytes)
    fail("larger than the limit of " + std::to_string(o.max_file_bytes) + " bytes (load_options::max_file_bytes)");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!f) fail(std::string("cannot open: ") + std::strerror(errno));

  constexpr std::size_t block = std::size_t{4} << 20;
  std::string buffer;
  std::size_t total = 0;
  bool eof = false;
  const auto read_more = [&](std::size_t want) {
    const std::size_t old = buffer.size();
    buffer.resize(old + want);
    const std::size_t got = std::fread(buffer.data() + old, 1, want, f.get());
    buffer.resize(old + got);
    total += got;
    if (got < want) {
      if (std::ferror(f.get())) fail(std::string("read error: ") + std::strerror(errno));
      eof = true;
    }
    if (total > o.max_file_bytes)
      fail("larger than the limit of " + std::to_string(o.max_file_bytes) + " bytes (load_options::max_file_bytes)");
  };
  // a regular file is read whole in one go when it is small (its size is known); a large one or
  // a pipe block by block. A large CSV is read again by parts (read_csv_file): of it, only
  // what tells the format and the row count is read here.
  const std::size_t first_read =
      S_ISREG(st.st_mode) ? std::min(block / 4, static_cast<std::size_t>(st.st_size) + 1) : block;
  read_more(first_read);
  file_format format = o.format;
  if (format == file_format::automatic) {
    if (blank(buffer) && eof) fail_empty(name, format);
    // JSON is judged on the whole text; CSV on its first record
    const char first = buffer.empty() ? '\0' : buffer[buffer.find_first_not_of(" \t\r\n\xEF\xBB\xBF") == std::string::npos
                                                          ? 0
                                                          : buffer.find_first_not_of(" \t\r\n\xEF\xBB\xBF")];
    if (first != '[' && first != '{') format = detect(buffer, name, &o);
  }
  if (format == file_format::csv) {
    // Reserve the columns once from the line count of the first block: growing them by doubling
    // would copy and fault in twice the memory.
    if (S_ISREG(st.st_mode) && !buffer.empty()) {
      const auto lines = static_cast<double>(std::count(buffer.begin(), buffer.end(), '\n')) + 1;
      const double estimate = lines * static_cast<double>(st.st_size) / static_cast<double>(buffer.size()) * 1.05;
      sink.storage->expected_rows = sink.storage->rows + static_cast<std::size_t>(estimate);
    }
    if (S_ISREG(st.st_mode)) {
      read_csv_file(fileno(f.get()), static_cast<std::uint64_t>(st.st_size), name, sink, o.threads, o.min_part_bytes);
      return format;
    }
    csv_parser p(name, sink);  // a pipe: block by block as it comes
    std::size_t base = 0;
    for (;;) {
      if (p.feed(buffer, base, eof)) break;
      const std::size_t used = p.in.consumed();
      buffer.erase(0, used);
      base += used;
      read_more(std::max(block, buffer.size()));
    }
    p.finish();
    return format;
  }
  while (!eof) read_more(std::max(block, buffer.size()));
  if (format == file_format::automatic) format = detect(buffer, name, &o);
  parse_into(buffer, name, format, sink);
  return format;
}

/// Drops the rows from `rows` on (a file that failed half-way).
/// Drops the rows from `rows` on (a file that failed half-way), and the columns only those rows
/// had, so the table is as if the file had not been read.
INFERLENS_LAZY void truncate(table_storage& s, std::size_t rows) {
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    column_store& c = s.columns[i];
    if (c.numbers.size() > rows) c.numbers.resize(rows);
    if (c.codes.size() > rows) c.codes.resize(rows);
    const double absent = false_when_absent[i] ? 0.0 : missing;
    if (std::all_of(c.numbers.begin(), c.numbers.end(), [&](double v) { return std::isnan(v) ? std::isnan(absent) : v == absent; }))
      c.numbers.clear();
    if (std::all_of(c.codes.begin(), c.codes.end(), [](std::uint32_t code) { return code == 0; })) c.codes.clear();
  }
  s.rows = rows;
}

INFERLENS_LAZY result_table finish(row_sink& sink, std::vector<source_file> files) {
  result_table t(std::shared_ptr<const table_storage>(std::move(sink.storage)));
  t.set_files(std::move(files));
  return t;
}

}  // namespace detail

/// The format of a document by its content. A JSON array is InferenceMAX agg rows when its first
/// row has `infmax_model_prefix` (every upstream row does), else the library's own JSON; one JSON
/// object is a vLLM/InferenceMAX client result (model_id, *_ms keys), an SGLang run (dataset_name,
/// *_e2e_latency_ms, total_throughput keys, or a .jsonl name), or a GenAI-Perf/AIPerf export
/// (time_to_first_token, request_latency, ... objects); several objects are SGLang JSON lines;
/// anything else is CSV when named *.csv or when its first line names a known column.
/// @throws input_error, saying what was expected, when nothing fits.
INFERLENS_LAZY file_format detect_format(std::string_view text, std::string_view name, const load_options& o = {}) {
  return detail::detect(text, name, &o);
}

/// Parses one document already in memory; `name` names it in errors and becomes the points'
/// `source`.
INFERLENS_LAZY result_table parse(std::string_view text, std::string_view name, const load_options& o = {}) {
  detail::row_sink sink;
  sink.options = &o;
  if (detail::blank(text)) detail::fail_empty(name, o.format);
  const file_format f = o.format == file_format::automatic ? detail::detect(text, name, &o) : o.format;
  const bool rows = f == file_format::inferencemax_agg || f == file_format::inferlens_json;
  detail::parse_into(text, name, rows && o.format == file_format::automatic ? file_format::automatic : f, sink);
  return detail::finish(sink, {source_file{std::string(name), std::string(to_string(f)), sink.rows, {}, std::move(sink.notes)}});
}

/// Loads files and directories, in the order given. A directory contributes every *.json,
/// *.jsonl and *.csv file inside it, recursively, sorted by path (hidden files and folders, named
/// with a leading '.', are skipped); a directory without any is an error, and so is one that
/// cannot be listed. Every input is tried: without `lenient`, a load_error listing every bad
/// input is thrown at the end; with it, bad inputs are recorded in files() and the rest is loaded.
/// Paths are strings; a std::filesystem::path converts.
INFERLENS_LAZY result_table load(const std::vector<std::string>& inputs, const load_options& o = {}) {
  detail::row_sink sink;
  sink.options = &o;
  std::vector<source_file> files;
  std::vector<input_error> errors;
  const auto failed = [&](const std::string& path, const input_error& e) {
    errors.push_back(e);
    files.push_back({path, {}, 0, e.what(), {}});
  };
  const auto read = [&](const std::string& file) {
    const std::size_t before = sink.rows;
    try {
      const file_format f = detail::read_file_into(file, o, sink);
      files.push_back({file, std::string(to_string(f)), sink.rows - before, {}, std::move(sink.notes)});
      sink.notes.clear();
    } catch (const input_error& e) {
      detail::truncate(*sink.storage, before);  // a bad file adds no rows
      sink.rows = before;
      sink.notes.clear();
      failed(file, e);
    }
  };
  for (const std::string& input : inputs) {
    if (!detail::kind_of(input).directory) {
      read(input);
      continue;
    }
    detail::directory_walk walk;
    walk.visit(input, 0);
    for (auto& [path, e] : walk.errors) failed(path, e);
    if (walk.files.empty()) {
      if (walk.errors.empty())
        failed(input, input_error(input_location{input, {}, {}, {}}, "no result files (*.json, *.jsonl, *.csv) in the directory"));
      continue;
    }
    std::sort(walk.files.begin(), walk.files.end(), detail::path_less<>);
    for (const std::string& file : walk.files) {
      read(file);
      if (const auto note = walk.notes.find(file); note != walk.notes.end() && !files.empty())
        files.back().notes.push_back(note->second);
    }
  }
  if (!errors.empty() && !o.lenient) throw load_error(std::move(errors));
  return detail::finish(sink, std::move(files));
}

/// One file or directory.
INFERLENS_LAZY result_table load(const std::string& input, const load_options& o = {}) {
  return load(std::vector<std::string>{input}, o);
}

/// Any range of paths (std::vector<std::filesystem::path>, a span of strings, ...).
template <class Paths>
  requires(!std::is_convertible_v<const Paths&, std::string>) && requires(const Paths& p) {
    std::string(*std::begin(p));
    std::end(p);
  }
result_table load(const Paths& inputs, const load_options& o = {}) {
  std::vector<std::string> paths;
  for (const auto& p : inputs) paths.emplace_back(p);
  return load(paths, o);
}

INFERLENS_END_NAMESPACE
