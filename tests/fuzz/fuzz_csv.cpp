// Fuzzes the CSV reader (detail/csv_reader.hpp, detail/read_csv.hpp) as a pipe feeds it: the
// bytes whole, in two pieces split where the first byte says, in 7-byte blocks and byte by byte.
// Properties: every way gives the same table, or the same input_error naming the input (file,
// record, field); an error is never another exception.
#include <algorithm>
#include <string>
#include <string_view>

#include <inferlens/load.hpp>
#include <inferlens/write.hpp>

#include "fuzz.hpp"

namespace {

using namespace inferlens;

constexpr std::string_view name = "fuzz.csv";

struct outcome {
  bool ok = false;
  std::string text;  // the table as JSON, or the error
};

outcome read_in_blocks(std::string_view text, std::size_t block) {
  load_options o;
  o.format = file_format::csv;
  detail::row_sink sink;
  sink.options = &o;
  try {
    detail::csv_parser p(name, sink);
    std::string buffer;
    std::size_t base = 0, at = 0;
    for (;;) {
      const std::size_t take = std::min(block, text.size() - at);
      buffer.append(text.substr(at, take));
      at += take;
      const bool eof = at == text.size();
      if (p.feed(buffer, base, eof)) break;
      fuzz::check(!eof, "the CSV reader finishes at the end of its input");
      const std::size_t used = p.in.consumed();
      buffer.erase(0, used);
      base += used;
    }
    p.finish();
    const result_table t = detail::finish(sink, {});
    return {true, to_json_text(t)};
  } catch (const input_error& e) {
    fuzz::check_named(e, name);
    return {false, e.what()};
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (std::size_t{1} << 16)) return -1;  // byte by byte is quadratic in a record's length
  const std::string_view text = fuzz::text(data, size);
  const outcome whole = read_in_blocks(text, text.size() + 1);
  const std::size_t split = size ? 1 + data[0] % size : 1;
  for (const std::size_t block : {split, std::size_t{7}, std::size_t{1}}) {
    const outcome pieces = read_in_blocks(text, block);
    fuzz::check(pieces.ok == whole.ok && pieces.text == whole.text, "CSV in blocks reads as CSV whole",
                "block " + std::to_string(block) + ":\n" + pieces.text.substr(0, 2000) + "\nwhole:\n" + whole.text.substr(0, 2000));
  }
  // the public entry point agrees
  load_options o;
  o.format = file_format::csv;
  try {
    const result_table t = parse(text, name, o);
    fuzz::check(whole.ok && to_json_text(t) == whole.text, "parse() reads CSV as the block reader");
  } catch (const input_error& e) {
    fuzz::check(!whole.ok && whole.text == e.what(), "parse() fails on CSV as the block reader", e.what());
  }
  return 0;
}
