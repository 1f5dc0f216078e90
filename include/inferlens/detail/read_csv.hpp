// The CSV reader: records go straight into the column store, block by block (a large file is
// never held whole), with the same checks as every other reader.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <exception>
#include <charconv>
#include <system_error>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <unistd.h>

#include "inferlens/columns.hpp"
#include "inferlens/detail/csv_reader.hpp"
#include "inferlens/detail/point_builder.hpp"
#include "inferlens/detail/read_rows.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/detail/threads.hpp"
#include "inferlens/error.hpp"
#include "inferlens/formats.hpp"
#include "inferlens/models.hpp"
#include "inferlens/record.hpp"
#include "inferlens/table.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {

/// The CSV header: each field's column (or none), checked.
struct csv_header {
  static constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::vector<std::string> names;
  std::vector<std::size_t> column_of;  // header field -> column index, or none

  csv_header(const std::vector<std::string_view>& fields, std::string_view file, const load_options* o) {
    std::vector<std::size_t> header_of(point_column_count, none);
    bool any = false;
    for (std::string_view h : fields) names.emplace_back(trim(h));
    column_of.assign(names.size(), none);
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::optional<column_id> c;
      if (o)
        for (const auto& [theirs, ours] : o->map)
          if (iequals(theirs, names[i])) c = ours;
      if (!c) c = lookup_column(names[i]);
      if (!c || info(*c).economic()) continue;
      const std::size_t index = index_of(*c);
      if (header_of[index] != none)
        throw input_error(input_location{std::string(file), {}, {}, names[i]},
                          "names the same column as '" + names[header_of[index]] + "' (" + std::string(name_of(*c)) + ")");
      header_of[index] = i;
      column_of[i] = index;
      any = true;
    }
    if (!any) {
      std::string message = "no known column in the header row; it has: ";
      for (std::size_t i = 0; i < names.size() && i < 12; ++i) message += (i ? ", " : "") + quote_excerpt(names[i]);
      if (names.size() > 12) message += ", ...";
      std::vector<std::string_view> near;
      for (const auto& n : names)
        for (std::string_view s : nearest_columns(n, 1))
          if (std::find(near.begin(), near.end(), s) == near.end()) near.push_back(s);
      if (!near.empty()) message += "; nearest known names: " + join(near);
      message += " (map a header onto a column with load_options::map, e.g. \"Their Name\" -> tput_per_gpu)";
      throw input_error(input_location{std::string(file), {}, {}, {}}, message);
    }
  }
};

/// Fills derive()'s columns for rows [first, rows) of a store, one reused point at a time: only
/// the columns derive() reads are loaded, only the ones it fills are stored.
/// `check(r, p)` sees each derived point (row r of the store).
template <class Check>
void derive_rows(table_storage& s, std::size_t first, const Check& check) {
  // The point starts with every input missing; the present ones are set on every row (a text
  // one only when its code changes, or derive() wrote it). What derive() fills in an absent
  // column is cleared once stored, so no row sees the one before it (derived_columns ⊂
  // derive_inputs: derive() writes nothing else).
  constexpr std::uint32_t unset = std::numeric_limits<std::uint32_t>::max();
  struct number_input {
    column_id c;
    table_storage::number_reader values;
  };
  struct text_input {
    column_id c;
    const column_store* store;
    std::uint32_t code = unset;  // what the point holds
  };
  std::vector<number_input> numbers;
  std::vector<text_input> texts;
  for (column_id c : derive_inputs) {
    if (!s.present(c)) continue;
    if (info(c).type == column_type::text) texts.push_back({c, &s.columns[index_of(c)]});
    else numbers.push_back({c, s.numbers_of(c)});
  }
  struct output {
    column_id c;
    column_store* store;
    bool absent;  // not a column of the store before: cleared in the point once stored
    text_input* input;  // the text input it is, if any
  };
  std::vector<output> outputs;
  for (column_id c : derived_columns) {
    text_input* in = nullptr;
    for (text_input& t : texts)
      if (t.c == c) in = &t;
    outputs.push_back({c, &s.columns[index_of(c)], !s.present(c), in});
  }
  benchmark_point p;
  for (std::size_t r = first; r < s.rows; ++r) {
    for (const number_input& in : numbers) set_number(p, in.c, in.values[r]);
    for (text_input& in : texts)
      if (const std::uint32_t code = in.store->codes[r]; code != in.code) {
        set_text(p, in.c, in.store->dictionary->decode(code));
        in.code = code;
      }
    derive(p);
    check(r, p);
    for (const output& o : outputs) {
      column_store& store = *o.store;
      if (info(o.c).type == column_type::text) {
        const std::string_view v = text(p, o.c);
        if (v.empty() || (!store.codes.empty() && v == store.dictionary->decode(store.codes[r]))) continue;
        if (store.codes.empty()) {
          if (!store.dictionary) store.dictionary = std::make_unique<text_dictionary>();
          fill_column(store.codes, s.rows, std::uint32_t{0}, s.expected_rows);
        }
        store.codes[r] = store.dictionary->encode(v);
        if (o.absent) set_text(p, o.c, {});
        else if (o.input) o.input->code = unset;  // the point holds what derive() wrote, not the code's text
        continue;
      }
      const double v = number(p, o.c);
      if (std::isnan(v)) continue;
      if (store.numbers.empty()) fill_column(store.numbers, s.rows, missing, s.expected_rows);
      store.numbers[r] = v;
      if (o.absent) set_number(p, o.c, missing);
    }
  }
}

/// The CSV path: records go straight into the column store (no point per row), checked as the
/// point path checks them; derived columns are filled once the file is read.
struct csv_parser {
  std::string_view name;
  row_sink& sink;
  table_storage& s;
  csv_reader in;
  std::vector<std::string_view> fields;
  std::optional<csv_header> header;
  std::size_t record = 0;  // records read; each is a row, so row first_row + k is record k + 1
  std::size_t first_row;
  std::string message;
  bool throughput_in_header = false;
  std::vector<std::size_t> others;  // columns present in the store (earlier files) but not in this header

  static constexpr column_id throughputs[] = {cols::total_token_throughput, cols::output_throughput, cols::input_throughput,
                                               cols::tput_per_gpu, cols::output_tput_per_gpu, cols::input_tput_per_gpu};

  csv_parser(std::string_view file, row_sink& sink_) : name(file), sink(sink_), s(*sink_.storage), first_row(s.rows) {}

  INFERLENS_LAZY [[noreturn]] void fail(std::string_view field, const std::string& m) const {
    throw input_error(input_location{std::string(name), record, std::nullopt, std::string(field)}, m);
  }

  // The value of column c in the row being read (NaN when missing or not there yet).
  INFERLENS_LAZY double value(column_id c) const noexcept {
    const auto& v = s.columns[index_of(c)].numbers;
    if (v.size() > s.rows) return v[s.rows];
    return false_when_absent[index_of(c)] ? 0.0 : missing;
  }

  INFERLENS_LAZY void read_header() {
    header.emplace(fields, name, sink.options);
    for (std::size_t i = 0; i < point_column_count; ++i)
      if (s.present(static_cast<column_id>(i)) &&
          std::find(header->column_of.begin(), header->column_of.end(), i) == header->column_of.end())
        others.push_back(i);
    for (column_id c : throughputs)
      if (std::find(header->column_of.begin(), header->column_of.end(), index_of(c)) != header->column_of.end())
        throughput_in_header = true;
  }

  INFERLENS_LAZY void read_record() {
    ++record;
    if (fields.size() != header->names.size())
      fail("", "has " + std::to_string(fields.size()) + " fields, the header has " + std::to_string(header->names.size()));
    const std::size_t r = s.rows;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::size_t index = header->column_of[i];
      if (index == csv_header::none) continue;
      const auto c = static_cast<column_id>(index);
      column_store& store = s.columns[index];
      if (info(c).type == column_type::text) {
        const std::string_view t = fields[i];
        std::uint32_t code = 0;
        if (!t.empty()) {
          if (!store.dictionary) store.dictionary = std::make_unique<text_dictionary>();
          const std::size_t known = store.dictionary->size();
          code = store.dictionary->encode(t);
          if (store.dictionary->size() != known)  // a new value: check it once
            if (const std::size_t bad = invalid_utf8_at(t); bad != std::string_view::npos)
              fail(header->names[i], "invalid UTF-8 at byte " + std::to_string(bad) + " of the value " + quote_excerpt(t));
        }
        if (code != 0 || !store.codes.empty()) {
          if (store.codes.empty()) {
            store.codes.reserve(std::max(r + 1, s.expected_rows));
            store.codes.assign(r, 0);
          }
          store.codes.push_back(code);
        }
        continue;
      }
      double v = missing;
      const std::string_view t = fields[i];
      if (!t.empty()) {
        // the common spelling straight through; anything else (booleans, spaces, "inf",
        // "1024.0" for an integer, a bad value) through the general reading and its messages
        bool plain = info(c).type != column_type::boolean;
        if (plain) {
          const auto parsed = from_chars_double(t.data(), t.data() + t.size(), v);
          plain = parsed.ec == std::errc() && parsed.ptr == t.data() + t.size() && number_fits(c, v);
        }
        if (!plain) {
          if (!read_number_text(c, t, v, message)) v = missing;
          if (!message.empty()) fail(header->names[i], message);
        }
        v += 0.0;
      }
      put(store, r, v, s.expected_rows, false_when_absent[index] ? 0.0 : missing);
    }
    if (!throughput_in_header || std::none_of(std::begin(throughputs), std::end(throughputs),
                                              [&](column_id c) { return !std::isnan(value(c)); })) {
      std::vector<std::string_view> names;
      for (column_id c : throughputs) names.push_back(name_of(c));
      fail(name_of(throughputs[0]), "missing: expected " + join_or(names));
    }
    check_consistency([&](column_id c) { return value(c); }, [&](std::string_view field, const std::string& m) { fail(field, m); });
    // every column present in the store has a value for this row
    for (std::size_t i : others) {
      column_store& c = s.columns[i];
      if (!c.numbers.empty()) c.numbers.push_back(false_when_absent[i] ? 0.0 : missing);
      if (!c.codes.empty()) c.codes.push_back(0);
    }
    ++s.rows;
  }

  // What the point path does per row, done per column once every record is in.
  INFERLENS_LAZY void finish() {
    const std::size_t first = first_row, rows = s.rows;
    const auto column = [&](column_id c) -> column_store& { return s.columns[index_of(c)]; };
    const auto text_column = [&](column_id c) -> column_store& {
      column_store& store = column(c);
      if (!store.dictionary) store.dictionary = std::make_unique<text_dictionary>();
      if (store.codes.empty()) fill_column(store.codes, rows, std::uint32_t{0}, s.expected_rows);
      return store;
    };
    // values the files lack
    if (sink.options)
      for (const auto& [c, text] : sink.options->set) {
        if (info(c).type == column_type::text) {
          column_store& store = text_column(c);
          const std::uint32_t code = store.dictionary->encode(text);
          for (std::size_t r = first; r < rows; ++r)
            if (store.codes[r] == 0) store.codes[r] = code;
          continue;
        }
        double v = missing;
        if (!read_number_text(c, text, v, message) || !message.empty())
          throw input_error(input_location{std::string(name), std::nullopt, std::nullopt, std::string(name_of(c))},
                            message.empty() ? "no value to set" : message);
        column_store& store = column(c);
        if (store.numbers.empty()) fill_column(store.numbers, rows, missing, s.expected_rows);
        for (std::size_t r = first; r < rows; ++r)
          if (std::isnan(store.numbers[r])) store.numbers[r] = v;
      }
    // provenance
    if (rows > first) {
      column_store& src = text_column(cols::source);
      const std::uint32_t code = src.dictionary->encode(name);
      for (std::size_t r = first; r < rows; ++r)
        if (src.codes[r] == 0) src.codes[r] = code;
      column_store& row_no = column(cols::source_row);
      if (row_no.numbers.empty()) fill_column(row_no.numbers, rows, missing, s.expected_rows);
      for (std::size_t r = first; r < rows; ++r)
        if (std::isnan(row_no.numbers[r])) row_no.numbers[r] = static_cast<double>(r - first + 1);
    }
    // the model: as written in model_raw, canonical in model (as the point path does, once per
    // distinct name and model prefix rather than per row)
    if ((s.present(cols::model) || s.present(cols::model_raw)) && rows > first) {
      column_store& model = text_column(cols::model);
      column_store& raw = text_column(cols::model_raw);
      const column_store& prefix = column(cols::model_prefix);
      std::unordered_map<std::uint64_t, std::uint32_t> canonical;  // (name, from model?, prefix) -> code
      for (std::size_t r = first; r < rows; ++r) {
        const std::uint32_t m = model.codes[r];
        if (raw.codes[r] == 0 && m != 0) raw.codes[r] = raw.dictionary->encode(model.dictionary->decode(m));
        const std::uint32_t from = m != 0 ? m : raw.codes[r];
        if (from == 0) continue;
        const std::uint32_t pre = prefix.codes.empty() ? 0 : prefix.codes[r];
        const std::uint64_t key = std::uint64_t{from} | (std::uint64_t{m != 0} << 31) | (std::uint64_t{pre} << 32);
        auto it = canonical.find(key);
        if (it == canonical.end()) {
          const std::string given(m != 0 ? model.dictionary->decode(m) : raw.dictionary->decode(from));
          const std::string_view pre_text = pre ? prefix.dictionary->decode(pre) : std::string_view();
          it = canonical.emplace(key, model.dictionary->encode(canonical_model(given, pre_text))).first;
        }
        model.codes[r] = it->second;
      }
    }
    // the accelerator from the runner label, per distinct label
    if (s.present(cols::hw) && rows > first) {
      column_store& hw = column(cols::hw);
      column_store& acc = text_column(cols::accelerator);
      std::vector<std::uint32_t> normalised(hw.dictionary->size(), 0);
      for (std::size_t r = first; r < rows; ++r) {
        const std::uint32_t code = hw.codes[r];
        if (code == 0 || acc.codes[r] != 0) continue;
        if (normalised[code] == 0) normalised[code] = acc.dictionary->encode(normalize_accelerator(hw.dictionary->decode(code)));
        acc.codes[r] = normalised[code];
      }
    }
    derive_rows(s, first, [&](std::size_t r, const benchmark_point& p) {
      check_derived(p, [&](std::string_view field, const std::string& m) {
        throw input_error(input_location{std::string(name), r - first + 1, std::nullopt, std::string(field)}, m);
      });
    });
    sink.rows += rows - first;
  }

  // Parses what the window holds; true at the end of the input.
  INFERLENS_LAZY bool feed(std::string_view window, std::size_t base, bool last) {
    in.window(window, base, last);
    try {
      for (;;) {
        const csv_reader::status st = in.next(fields);
        if (st == csv_reader::status::need_more) return false;
        if (st == csv_reader::status::end) {
          if (!header) fail_empty(name, file_format::csv);
          return true;
        }
        if (!header) read_header();
        else read_record();
      }
    } catch (const csv_syntax_error& e) {
      throw input_error(input_location{std::string(name), header ? std::optional<std::size_t>(record + 1) : std::nullopt,
                                       e.byte, {}},
                        e.message);
    }
  }
};


/// Feeds a parser the bytes [begin, end) of a file, block by block; the parser sees them as
/// the file's own offsets.
INFERLENS_LAZY void feed_range(int fd, std::uint64_t begin, std::uint64_t end, csv_parser& p, std::string_view name) {
  // One buffer for the whole range, allocated once (one huge page): the unparsed tail of a block
  // moves to its front before the next block is read; a record longer than the buffer grows it.
  constexpr std::size_t block = std::size_t{1} << 20;
  column_vector<char> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(2 * block, end - begin)));
  std::size_t held = 0;  // bytes in the buffer not yet consumed
  std::uint64_t base = begin, next = begin;
  for (;;) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(block, end - next));
    if (held + want > buffer.size()) buffer.resize(std::max(2 * buffer.size(), held + want));
    std::size_t got = 0;
    while (got < want) {
      const ssize_t n = ::pread(fd, buffer.data() + held + got, want - got, static_cast<off_t>(next + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw input_error(input_location{std::string(name), {}, next + got, {}}, std::string("read error: ") + std::strerror(errno));
      got += static_cast<std::size_t>(n);
    }
    held += got;
    next += got;
    if (p.feed(std::string_view(buffer.data(), held), static_cast<std::size_t>(base), next >= end)) return;
    const std::size_t used = p.in.consumed();
    std::memmove(buffer.data(), buffer.data() + used, held - used);
    held -= used;
    base += used;
  }
}

/// The first offset at or after `mid` where a record starts: quotes from `from` (a record
/// start) decide whether a line feed is inside a quoted field. None when there is no such line
/// feed before the end.
INFERLENS_LAZY std::optional<std::uint64_t> record_boundary(int fd, std::uint64_t from, std::uint64_t mid, std::uint64_t size) {
  std::vector<char> chunk(std::size_t{1} << 20);
  bool inside = false;  // inside a quoted field at the start of the chunk
  for (std::uint64_t at = from; at < size;) {
    const ssize_t n = ::pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(at));
    if (n <= 0) return std::nullopt;
    const char* p = chunk.data();
    const char* end = p + n;
    while (p < end) {
      // before mid only the quotes matter (memchr hops between them); from mid on, the first line
      // feed outside quotes
      const std::uint64_t offset = at + static_cast<std::uint64_t>(p - chunk.data());
      if (offset < mid) {
        const char* stop = offset + static_cast<std::uint64_t>(end - p) > mid ? p + (mid - offset) : end;
        const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(stop - p)));
        if (!q) {
          p = stop;
          continue;
        }
        inside = !inside;
        p = q + 1;
        continue;
      }
      const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
      const char* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>((q ? q : end) - p)));
      if (lf && !inside) return at + static_cast<std::uint64_t>(lf - chunk.data()) + 1;
      if (!q) break;
      inside = !inside;
      p = q + 1;
    }
    at += static_cast<std::uint64_t>(n);
  }
  return std::nullopt;
}

/// Reads a CSV file into the sink: a large regular file as parts split at record boundaries
/// (as many as `threads`, 0: the usable cores; each at least `min_part_bytes`), parsed and
/// finished at once, one thread each, and joined in file order; otherwise in one pass. Either
/// way the table, the row numbers and the first error in file order are the same.
INFERLENS_LAZY void read_csv_file(int fd, std::uint64_t size, std::string_view name, row_sink& sink, unsigned threads,
                                  std::uint64_t min_part_bytes) {
  table_storage& s = *sink.storage;
  const std::uint64_t wanted = std::min<std::uint64_t>({threads ? threads : usable_cores(), 64,
                                                        size / std::max<std::uint64_t>(min_part_bytes, 1)});
  // where each part starts: the header, read on its own, tells where the data starts
  std::vector<std::uint64_t> starts{0};
  std::string head;
  if (wanted >= 2) {
    head.assign(std::size_t{1} << 16, '\0');
    const ssize_t n = ::pread(fd, head.data(), head.size(), 0);
    head.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    csv_reader r;
    r.window(head, 0, false);
    std::vector<std::string_view> fields;
    if (r.next(fields) == csv_reader::status::record) {
      std::uint64_t from = r.consumed();
      for (std::uint64_t k = 1; k < wanted; ++k) {
        const std::uint64_t mid = size * k / wanted;
        if (mid <= from) continue;  // inside the record that ends the previous part
        const auto at = record_boundary(fd, from, mid, size);
        if (!at || *at >= size) break;
        starts.push_back(from = *at);
      }
    }
  }
  if (starts.size() == 1) {
    csv_parser one(name, sink);
    feed_range(fd, 0, size, one, name);
    one.finish();
    return;
  }
  // Every part after the first into a store of its own; each part read then finished (derived
  // columns, checks) on its own thread. Errors in the order one pass reports them: reading
  // errors in file order, then finishing errors in file order.
  const std::size_t count = starts.size();
  std::deque<row_sink> later(count - 1);  // deques: each parser keeps a reference to its sink
  std::deque<csv_parser> parsers;
  parsers.emplace_back(name, sink);
  for (row_sink& l : later) {
    l.options = sink.options;
    l.storage->expected_rows = s.expected_rows / count + 1;
    parsers.emplace_back(name, l);
  }
  std::vector<std::exception_ptr> read_errors(count), finish_errors(count);
  run_parallel(count, [&](std::size_t k) {
    csv_parser& p = parsers[k];
    try {
      if (k > 0) {
        p.in.window(head, 0, false);
        if (p.in.next(p.fields) != csv_reader::status::record)
          throw input_error(input_location{std::string(name), {}, {}, {}}, "the header row is longer than 64 KiB");
        p.read_header();
      }
      feed_range(fd, starts[k], k + 1 < count ? starts[k + 1] : size, p, name);
    } catch (...) {
      read_errors[k] = std::current_exception();
      return;
    }
    try {
      p.finish();
    } catch (...) {
      finish_errors[k] = std::current_exception();
    }
  });
  // records before each part, so that its rows count from the file's start
  std::vector<std::size_t> before{0};
  for (const csv_parser& p : parsers) before.push_back(before.back() + p.record);
  for (const auto* errors : {&read_errors, &finish_errors})
    for (std::size_t k = 0; k < count; ++k) {
      if (!(*errors)[k]) continue;
      try {
        std::rethrow_exception((*errors)[k]);
      } catch (const input_error& error) {
        input_location where = error.where();
        if (where.row) *where.row += before[k];
        throw input_error(where, error.message());
      }
    }
  // joined in file order: each part's rows after the ones before, their record numbers too
  const std::size_t joined_at = s.rows;
  for (std::size_t k = 1; k < count; ++k) {
    row_sink& part = later[k - 1];
    for (double& v : part.storage->columns[index_of(cols::source_row)].numbers) v += static_cast<double>(before[k]);
    append_storage(s, std::move(*part.storage));
    for (auto& note : part.notes) sink.note(std::move(note));
  }
  sink.rows += s.rows - joined_at;
}

}  // namespace detail
INFERLENS_END_NAMESPACE
