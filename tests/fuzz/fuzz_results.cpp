// Fuzzes every result reader and format detection (load.hpp): the bytes are read as detected and
// as each format forced. Properties:
//  - an error is an inferlens::input_error naming the input (never another exception, an abort,
//    a hang or a sanitizer report);
//  - what reads is written in every writable format without error, and the library's JSON and
//    CSV read back to the same points (read -> write -> read), every derived figure included;
//  - a table read from memory (parse) and from a file (load, read in blocks) are the same.
#include <string>
#include <string_view>

#include <inferlens/load.hpp>
#include <inferlens/write.hpp>

#include "fuzz.hpp"

namespace {

using namespace inferlens;

constexpr std::string_view name = "fuzz-input";

// A point's JSON without where it came from (the file name differs between the two reads).
std::string fingerprint(const result_table& t, std::size_t i) {
  benchmark_point p = t.point(i);
  p.source.clear();
  p.source_row.reset();
  return to_json_text(p);
}

void check_same(const result_table& a, const result_table& b, const char* what, std::string_view text) {
  fuzz::check(a.size() == b.size(), what, "row counts " + std::to_string(a.size()) + " vs " + std::to_string(b.size()));
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string fa = fingerprint(a, i), fb = fingerprint(b, i);
    fuzz::check(fa == fb, what, "row " + std::to_string(i + 1) + ":\n" + fa + "\n" + fb + "\nwritten:\n" + std::string(text.substr(0, 4000)));
  }
}

result_table read_back(std::string_view text, file_format f, const char* what) {
  load_options o;
  o.format = f;
  try {
    return parse(text, "written", o);
  } catch (const input_error& e) {
    fuzz::check(false, what, std::string(e.what()) + "\nwritten:\n" + std::string(text.substr(0, 4000)));
  }
  return {};
}

void round_trip(const result_table& t) {
  // Every read value can be written (text is valid UTF-8, numbers finite or null). The agg and
  // vLLM writers keep their formats' keys only, and the agg reader needs identity keys (hw, ...)
  // a point from another harness may lack: their output is written, not read back.
  (void)to_text(t, file_format::inferencemax_agg);
  if (t.size() == 1) (void)to_text(t, file_format::vllm_client);
  const std::string json = to_text(t, file_format::inferlens_json);
  check_same(t, read_back(json, file_format::inferlens_json, "written JSON reads back"), "JSON round trip keeps every point", json);
  if (!t.empty()) {
    const std::string csv = to_text(t, file_format::csv);
    if (!csv.empty()) check_same(t, read_back(csv, file_format::csv, "written CSV reads back"), "CSV round trip keeps every point", csv);
  }
}

// Reads with one format (or detection); returns whether it read.
bool read_as(std::string_view text, file_format f, result_table& out) {
  load_options o;
  o.format = f;
  try {
    out = parse(text, name, o);
    return true;
  } catch (const input_error& e) {
    fuzz::check_named(e, name);
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (std::size_t{1} << 20)) return -1;
  const std::string_view text = fuzz::text(data, size);
  result_table detected;
  if (read_as(text, file_format::automatic, detected)) {
    round_trip(detected);
    // the same bytes from a file: read in blocks, CSV block by block
    const std::string& path = fuzz::scratch_file(text, ".json");
    try {
      check_same(detected, load(path), "a file reads as its text", text);
    } catch (const input_error& e) {
      fuzz::check(false, "a file reads as its text", e.what());
    }
  } else {
    const std::string& path = fuzz::scratch_file(text, ".json");
    try {
      load(path);
      fuzz::check(false, "a file fails as its text", path);
    } catch (const input_error& e) {
      fuzz::check_named(e, path);
    }
    load_options lenient;
    lenient.lenient = true;
    try {
      const result_table t = load(path, lenient);
      fuzz::check(t.empty() && t.files().size() == 1 && !t.files()[0].error.empty(), "--lenient skips a failed file");
    } catch (const input_error& e) {
      fuzz::check(false, "--lenient skips a failed file", e.what());
    }
  }
  for (const file_format f : all_file_formats) {
    result_table t;
    if (read_as(text, f, t)) round_trip(t);
  }
  return 0;
}
