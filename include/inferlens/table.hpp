// A result table: many benchmark points stored by column (numbers as doubles, NaN missing;
// text dictionary-encoded), so that a million rows cost a few hundred bytes each and filtering
// or grouping never copies a row. A table is a cheap view: a shared, immutable column store
// plus an optional selection of its rows. Rows are read through row_view, or materialised as
// benchmark_point when a caller wants the struct.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <sys/mman.h>

#include "inferlens/columns.hpp"
#include "inferlens/error.hpp"
#include "inferlens/models.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

class frontier_set;
struct frontier_spec;

namespace detail {

/// Distinct strings of one text column, each with a small code; code 0 is the missing value.
/// Looked up once per cell of every text column, so the index is an open-addressing table of
/// codes keyed by a hash that reads a short string in two loads (a std::unordered_map of views
/// spent a tenth of a 10^6-row read in hashing and probing).
class text_dictionary {
 public:
  text_dictionary() {
    values_.emplace_back();
    hashes_.push_back(0);
  }
  text_dictionary(const text_dictionary&) = delete;
  text_dictionary& operator=(const text_dictionary&) = delete;

  INFERLENS_LAZY std::uint32_t encode(std::string_view s) {
    if (s.empty()) return 0;
    if (last_ != 0 && values_[last_] == s) return last_;  // runs of equal values are the common case
    const std::uint64_t h = hash(s);
    const std::size_t slot = probe(s, h);
    if (slots_[slot] != 0) return last_ = slots_[slot];
    const auto code = static_cast<std::uint32_t>(values_.size());
    values_.emplace_back(s);
    hashes_.push_back(h);
    slots_[slot] = code;
    if (2 * values_.size() > slots_.size()) grow();  // at most half full: probes stay short
    return last_ = code;
  }
  INFERLENS_LAZY std::string_view decode(std::uint32_t code) const noexcept { return values_[code]; }
  std::optional<std::uint32_t> find(std::string_view s) const {
    if (s.empty()) return 0;
    const std::uint32_t code = slots_[probe(s, hash(s))];
    if (code == 0) return std::nullopt;
    return code;
  }
  INFERLENS_LAZY std::size_t size() const noexcept { return values_.size(); }

 private:
  template <class T>
  static std::uint64_t load(const char* p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  INFERLENS_LAZY static std::uint64_t mix(std::uint64_t x) noexcept {
    x *= 0x9e3779b97f4a7c15ull;
    return x ^ (x >> 29);
  }
  // A short string in at most two loads (overlapping); a long one 8 bytes at a time.
  INFERLENS_LAZY static std::uint64_t hash(std::string_view s) noexcept {
    const char* p = s.data();
    const std::size_t n = s.size();
    std::uint64_t h = mix(n);
    if (n < 4) {
      const auto byte = [&](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
      return n == 0 ? h : mix(h ^ byte(0) ^ (byte(n / 2) << 8) ^ (byte(n - 1) << 16));
    }
    if (n <= 8) return mix(h ^ load<std::uint32_t>(p) ^ (load<std::uint32_t>(p + n - 4) << 32));
    for (std::size_t i = 0; i + 8 < n; i += 8) h = mix(h ^ load<std::uint64_t>(p + i));
    return mix(h ^ load<std::uint64_t>(p + n - 8));
  }
  // The slot holding s, or the empty slot where it belongs.
  INFERLENS_LAZY std::size_t probe(std::string_view s, std::uint64_t h) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const std::uint32_t code = slots_[i];
      if (code == 0 || (hashes_[code] == h && values_[code] == s)) return i;
    }
  }
  INFERLENS_LAZY void grow() {
    std::vector<std::uint32_t> bigger(2 * slots_.size(), 0);
    const std::size_t mask = bigger.size() - 1;
    for (std::uint32_t code = 1; code < values_.size(); ++code) {
      std::size_t i = hashes_[code] & mask;
      while (bigger[i] != 0) i = (i + 1) & mask;
      bigger[i] = code;
    }
    slots_ = std::move(bigger);
  }

  std::deque<std::string> values_;     // deque: decoded views stay valid as it grows
  std::vector<std::uint64_t> hashes_;  // per code
  std::vector<std::uint32_t> slots_ = std::vector<std::uint32_t>(16, 0);  // codes; 0: empty
  std::uint32_t last_ = 0;
};

/// Large column buffers come straight from the kernel on 2 MiB boundaries with transparent huge
/// pages asked for (MADV_HUGEPAGE; honoured where THP is "madvise" or "always"): on this VM a
/// 4 KiB page touched for the first time costs ~15 µs, so a 10^6-row table spent more time
/// faulting its columns in than parsing them. Small buffers, and kernels that decline, get
/// ordinary pages; nothing else changes.
template <class T>
struct column_allocator {
  using value_type = T;
  static constexpr std::size_t page = std::size_t{2} << 20;
  column_allocator() = default;
  template <class U>
  column_allocator(const column_allocator<U>&) noexcept {}
  INFERLENS_LAZY static bool large(std::size_t n) noexcept { return n * sizeof(T) >= page; }
  INFERLENS_LAZY static std::size_t mapped(std::size_t n) noexcept { return (n * sizeof(T) + page - 1) / page * page; }
  INFERLENS_LAZY T* allocate(std::size_t n) {
    if (!large(n)) return std::allocator<T>{}.allocate(n);
    const std::size_t size = mapped(n);
    void* p = ::mmap(nullptr, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    const auto begin = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t aligned = (begin + page - 1) & ~(page - 1);
    if (aligned > begin) ::munmap(p, aligned - begin);
    ::munmap(reinterpret_cast<void*>(aligned + size), begin + page - aligned);  // the tail: never empty
#ifdef MADV_HUGEPAGE
    ::madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
#endif
    return reinterpret_cast<T*>(aligned);
  }
  INFERLENS_LAZY void deallocate(T* p, std::size_t n) noexcept {
    if (!large(n)) return std::allocator<T>{}.deallocate(p, n);
    ::munmap(p, mapped(n));
  }
  template <class U>
  bool operator==(const column_allocator<U>&) const noexcept { return true; }
};

template <class T>
using column_vector = std::vector<T, column_allocator<T>>;

/// Gives an empty column `rows` copies of `v`, with room for the rows a reader still expects
/// (so that the column is allocated, and faulted in, once).
template <class T>
void fill_column(column_vector<T>& c, std::size_t rows, T v, std::size_t expected) {
  c.reserve(std::max(rows, expected));
  c.assign(rows, v);
}

/// One column's values; both vectors empty means every value is missing.
struct column_store {
  column_vector<double> numbers;        // numeric columns
  column_vector<std::uint32_t> codes;   // text columns
  std::unique_ptr<text_dictionary> dictionary;  // text columns, once they hold a value
};

template <class T>
inline constexpr bool is_plain_bool = std::is_same_v<std::remove_cvref_t<T>, bool>;

/// Columns whose member is a plain bool: absent means false, not missing.
inline constexpr bool false_when_absent[] = {
#define INFERLENS_X(id, name, type, kind, rule, unit, member, description) \
  is_plain_bool<decltype(std::declval<benchmark_point&>().member)>,
    INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
};

/// The immutable column store a table views.
struct table_storage {
  std::size_t rows = 0;
  std::size_t expected_rows = 0;  ///< a reader's estimate: columns reserve this much once
  std::vector<column_store> columns = std::vector<column_store>(point_column_count);

  INFERLENS_LAZY double number(std::size_t row, column_id c) const noexcept {
    const std::size_t i = index_of(c);
    if (i >= point_column_count) return missing;
    const auto& v = columns[i].numbers;
    if (v.empty()) return false_when_absent[i] ? 0.0 : missing;
    return v[row];
  }
  INFERLENS_LAZY std::string_view text(std::size_t row, column_id c) const noexcept {
    const std::size_t i = index_of(c);
    if (i >= point_column_count || columns[i].codes.empty()) return {};
    return columns[i].dictionary->decode(columns[i].codes[row]);
  }
  std::uint32_t code(std::size_t row, column_id c) const noexcept {
    const auto& v = columns[index_of(c)].codes;
    return v.empty() ? 0 : v[row];
  }
  /// A numeric column for reading row after row without a lookup per row.
  struct number_reader {
    const double* values = nullptr;  // none: every row holds `absent`
    double absent = missing;
    double operator[](std::size_t row) const noexcept { return values ? values[row] : absent; }
  };
  INFERLENS_LAZY number_reader numbers_of(column_id c) const noexcept {
    const std::size_t i = index_of(c);
    if (i >= point_column_count) return {};
    if (columns[i].numbers.empty()) return {nullptr, false_when_absent[i] ? 0.0 : missing};
    return {columns[i].numbers.data()};
  }
  /// Whether any row has a value in the column.
  INFERLENS_LAZY bool present(column_id c) const noexcept {
    const std::size_t i = index_of(c);
    return i < point_column_count && (!columns[i].numbers.empty() || !columns[i].codes.empty());
  }
};

// Appending one point: straight-line code over every column (no per-column dispatch).
// `absent`: what the rows before the column's first value hold (false for a plain bool).
INFERLENS_LAZY void put(column_store& c, std::size_t rows, double v, std::size_t expected = 0, double absent = missing) {
  if (!std::isnan(v)) {
    if (c.numbers.empty()) {
      c.numbers.reserve(std::max<std::size_t>({64, rows + 1, expected}));
      c.numbers.assign(rows, absent);
    }
    c.numbers.push_back(v);
  } else if (!c.numbers.empty()) {
    c.numbers.push_back(absent);
  }
}
INFERLENS_LAZY void put(column_store& c, std::size_t rows, const std::string& s, std::size_t expected = 0) {
  if (!s.empty()) {
    if (c.codes.empty()) {
      if (!c.dictionary) c.dictionary = std::make_unique<text_dictionary>();
      c.codes.reserve(std::max<std::size_t>({64, rows + 1, expected}));
      c.codes.assign(rows, 0);
    }
    c.codes.push_back(c.dictionary->encode(s));
  } else if (!c.codes.empty()) {
    c.codes.push_back(0);
  }
}
template <class T>
void put(column_store& c, std::size_t rows, const T& member, std::size_t expected = 0) {
  if constexpr (is_plain_bool<T>) {
    if (member || !c.numbers.empty()) put(c, rows, member ? 1.0 : 0.0, expected, 0.0);  // false is the default
  } else {
    put(c, rows, number_of(member), expected);
  }
}

INFERLENS_LAZY void fetch(const column_store& c, std::size_t row, std::string& member) {
  if (!c.codes.empty()) assign_text(member, c.dictionary->decode(c.codes[row]));
}
template <class T>
void fetch(const column_store& c, std::size_t row, T& member) {
  if (!c.numbers.empty()) assign_number(member, c.numbers[row]);
}

INFERLENS_LAZY void append_point(table_storage& s, const benchmark_point& p) {
  std::size_t i = 0;
#define INFERLENS_X(id, name, type, kind, rule, unit, member, description) put(s.columns[i++], s.rows, p.member);
  INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
  ++s.rows;
}

/// Appends a point whose values all lie in `ids`, which must also hold every column present in
/// the store (the readers' fast path: a file fills a few dozen of the columns).
INFERLENS_LAZY void append_point(table_storage& s, const benchmark_point& p, std::span<const column_id> ids) {
  for (column_id c : ids) {
    column_store& store = s.columns[index_of(c)];
    switch (c) {
#define INFERLENS_X(id, name, type, kind, rule, unit, member, description) \
  case column_id::id: put(store, s.rows, p.member, s.expected_rows); break;
      INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
      default: break;
    }
  }
  ++s.rows;
}

INFERLENS_LAZY benchmark_point load_point(const table_storage& s, std::size_t row) {
  benchmark_point p;
  std::size_t i = 0;
#define INFERLENS_X(id, name, type, kind, rule, unit, member, description) fetch(s.columns[i++], row, p.member);
  INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
  return p;
}

/// Appends the rows of `src` to `dst` (columns present in either; text re-encoded in dst's
/// dictionaries), releasing each of src's columns once it is copied: the pages it frees are the
/// ones the next column's copy faults in. Readers that parse parts of a file at once join them
/// with it.
INFERLENS_LAZY void append_storage(table_storage& dst, table_storage&& src) {
  const std::size_t before = dst.rows, added = src.rows;
  for (std::size_t i = 0; i < point_column_count; ++i) {
    column_store& d = dst.columns[i];
    column_store s = std::move(src.columns[i]);
    const double absent = false_when_absent[i] ? 0.0 : missing;
    if (!s.numbers.empty() || !d.numbers.empty()) {
      d.numbers.reserve(before + added);
      if (d.numbers.empty()) d.numbers.assign(before, absent);
      if (s.numbers.empty()) d.numbers.insert(d.numbers.end(), added, absent);
      else d.numbers.insert(d.numbers.end(), s.numbers.begin(), s.numbers.end());
    }
    if (!s.codes.empty() || !d.codes.empty()) {
      d.codes.reserve(before + added);
      if (d.codes.empty()) d.codes.assign(before, 0);
      if (s.codes.empty()) {
        d.codes.insert(d.codes.end(), added, 0);
      } else {
        if (!d.dictionary) d.dictionary = std::make_unique<text_dictionary>();
        std::vector<std::uint32_t> remap(s.dictionary->size(), 0);
        for (std::uint32_t code = 1; code < remap.size(); ++code) remap[code] = d.dictionary->encode(s.dictionary->decode(code));
        for (std::uint32_t code : s.codes) d.codes.push_back(remap[code]);
      }
    }
  }
  dst.rows += added;
  src.rows = 0;
}

// Group keys: per row and key column, 64 bits (a text code or a canonical double's bits).
struct key_reader {
  const std::uint32_t* codes = nullptr;  // a text column (none: all missing, code 0)
  table_storage::number_reader numbers;  // a numeric one
  bool text = false;
  INFERLENS_LAZY key_reader(const table_storage& s, column_id c) noexcept : text(info(c).type == column_type::text) {
    if (!text) numbers = s.numbers_of(c);
    else if (!s.columns[index_of(c)].codes.empty()) codes = s.columns[index_of(c)].codes.data();
  }
  std::uint64_t operator()(std::size_t row) const noexcept {
    if (text) return codes ? codes[row] : 0;
    double v = numbers[row];
    if (std::isnan(v)) v = missing;  // one NaN
    v += 0.0;                        // -0 == +0
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
  }
};

/// Rows numbered into groups of equal key, groups in order of first appearance.
struct grouping {
  column_vector<std::uint32_t> group_of;  // per selected row (huge pages at 10^6 rows, as columns)
  std::vector<std::uint32_t> first;     // per group: the first selected row (position in the view)
  INFERLENS_LAZY std::size_t groups() const noexcept { return first.size(); }
};

}  // namespace detail

class result_table;
struct table_group;

/// One row of a table, read in place.
class row_view {
 public:
  row_view(const detail::table_storage* s, std::uint32_t row, std::size_t position) noexcept
      : s_(s), row_(row), position_(position) {}

  /// A numeric column's value (NaN when missing; integers and booleans as doubles).
  INFERLENS_LAZY double number(column_id c) const noexcept { return s_->number(row_, c); }
  /// A numeric column's value, or nothing when missing.
  INFERLENS_LAZY std::optional<double> value(column_id c) const noexcept {
    const double v = number(c);
    if (std::isnan(v)) return std::nullopt;
    return v;
  }
  /// A text column's value ("" when missing).
  INFERLENS_LAZY std::string_view text(column_id c) const noexcept { return s_->text(row_, c); }
  /// Any column's value as a cell.
  INFERLENS_LAZY cell get(column_id c) const {
    const column& k = info(c);
    if (k.type == column_type::text) {
      const std::string_view t = text(c);
      return t.empty() ? cell() : cell(std::string(t));
    }
    const double v = number(c);
    if (std::isnan(v)) return {};
    if (k.type == column_type::integer) {
      if (const auto i = detail::integral(v)) return *i;
      return v;
    }
    if (k.type == column_type::boolean) return v != 0;
    return v;
  }
  /// The whole row as a struct.
  INFERLENS_LAZY benchmark_point point() const { return detail::load_point(*s_, row_); }
  /// Position in the table this row was read from.
  INFERLENS_LAZY std::size_t position() const noexcept { return position_; }

 private:
  const detail::table_storage* s_;
  std::uint32_t row_;
  std::size_t position_;
};

/// Where a table's rows came from: one entry per input file (load.hpp fills it).
struct source_file {
  std::string path;
  std::string format;       ///< the format it was read as (empty when it could not be read)
  std::size_t rows = 0;     ///< points read
  std::string error;        ///< why it was not read (lenient loading), empty when read
  std::vector<std::string> notes;  ///< what the reader noticed (e.g. per-request logs skipped)
};

class result_table {
 public:
  result_table() : data_(empty_storage()) {}

  /// A table of these points, stored as given (readers apply derive() before).
  INFERLENS_LAZY explicit result_table(std::span<const benchmark_point> points) : result_table() {
    auto s = std::make_shared<detail::table_storage>();
    for (const auto& p : points) detail::append_point(*s, p);
    data_ = std::move(s);
  }
  INFERLENS_LAZY explicit result_table(const std::vector<benchmark_point>& points)
      : result_table(std::span<const benchmark_point>(points)) {}

  /// Adopts a filled column store (readers build one directly).
  explicit result_table(std::shared_ptr<const detail::table_storage> storage) : data_(std::move(storage)) {}

  INFERLENS_LAZY std::size_t size() const noexcept { return rows_ ? rows_->size() : data_->rows; }
  INFERLENS_LAZY bool empty() const noexcept { return size() == 0; }

  row_view operator[](std::size_t i) const noexcept { return {data_.get(), storage_row(i), i}; }
  INFERLENS_LAZY benchmark_point point(std::size_t i) const { return detail::load_point(*data_, storage_row(i)); }
  /// Every row as a struct, in table order.
  INFERLENS_LAZY std::vector<benchmark_point> points() const {
    std::vector<benchmark_point> out;
    out.reserve(size());
    for (std::size_t i = 0; i < size(); ++i) out.push_back(point(i));
    return out;
  }

  class iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = row_view;
    using difference_type = std::ptrdiff_t;
    using reference = row_view;
    iterator() = default;
    iterator(const result_table* t, std::size_t i) : t_(t), i_(i) {}
    row_view operator*() const noexcept { return (*t_)[i_]; }
    row_view operator[](difference_type d) const noexcept { return (*t_)[i_ + static_cast<std::size_t>(d)]; }
    iterator& operator++() noexcept { ++i_; return *this; }
    iterator operator++(int) noexcept { auto c = *this; ++i_; return c; }
    iterator& operator--() noexcept { --i_; return *this; }
    iterator operator--(int) noexcept { auto c = *this; --i_; return c; }
    iterator& operator+=(difference_type d) noexcept { i_ = static_cast<std::size_t>(static_cast<difference_type>(i_) + d); return *this; }
    iterator& operator-=(difference_type d) noexcept { return *this += -d; }
    friend iterator operator+(iterator a, difference_type d) noexcept { return a += d; }
    friend iterator operator+(difference_type d, iterator a) noexcept { return a += d; }
    friend iterator operator-(iterator a, difference_type d) noexcept { return a -= d; }
    friend difference_type operator-(const iterator& a, const iterator& b) noexcept {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.i_ == b.i_; }
    friend auto operator<=>(const iterator& a, const iterator& b) noexcept { return a.i_ <=> b.i_; }

   private:
    const result_table* t_ = nullptr;
    std::size_t i_ = 0;
  };
  INFERLENS_LAZY iterator begin() const noexcept { return {this, 0}; }
  INFERLENS_LAZY iterator end() const noexcept { return {this, size()}; }

  /// A numeric column's values in table order, NaN where missing (economic columns need a price:
  /// economics.hpp's values()).
  INFERLENS_LAZY std::vector<double> values(column_id c) const {
    std::vector<double> out(size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = data_->number(storage_row(i), c);
    return out;
  }

  /// Whether any row has a value in the column (for a plain boolean: any row true, false being
  /// every row's default).
  INFERLENS_LAZY bool has(column_id c) const noexcept {
    if (!rows_) return data_->present(c);
    const bool plain_bool = index_of(c) < point_column_count && detail::false_when_absent[index_of(c)];
    for (std::size_t i = 0; i < size(); ++i) {
      const row_view r = (*this)[i];
      if (info(c).type == column_type::text ? !r.text(c).empty() : plain_bool ? r.number(c) == 1.0 : !std::isnan(r.number(c)))
        return true;
    }
    return false;
  }

  /// The distinct values of a column, as text, in order of first appearance ("" for missing
  /// is left out).
  INFERLENS_LAZY std::vector<std::string> distinct(column_id c) const {
    std::vector<std::string> out;
    for (std::size_t g : grouping_of(std::span<const column_id>(&c, 1)).first) {
      std::string t = to_string((*this)[g].get(c));
      if (!t.empty()) out.push_back(std::move(t));
    }
    return out;
  }

  /// The rows for which pred(row_view) is true.
  template <class Pred>
  result_table filter(Pred pred) const {
    std::vector<std::uint32_t> keep;
    for (std::size_t i = 0; i < size(); ++i)
      if (std::invoke(pred, (*this)[i])) keep.push_back(storage_row(i));
    return select(std::move(keep));
  }

  /// The rows whose column equals the value: text exactly (the model by any of its spellings),
  /// numbers numerically (a value that is not a number matches nothing in a numeric column),
  /// booleans as true/false/1/0.
  INFERLENS_LAZY result_table where(column_id c, std::string_view value) const {
    const column& k = info(c);
    if (k.type == column_type::text) {
      std::string canonical;
      if (c == cols::model) value = canonical = canonical_model(value);  // any spelling of the model
      const auto& dictionary = data_->columns[index_of(c)].dictionary;
      std::optional<std::uint32_t> code;
      if (value.empty()) code = 0;
      else if (dictionary) code = dictionary->find(value);
      if (!code) return select({});
      return filter([&](const row_view& r) { return data_->code(storage_row(r.position()), c) == *code; });
    }
    std::optional<double> v = detail::parse_double(value);
    if (k.type == column_type::boolean)
      if (const auto b = detail::parse_bool(value)) v = *b ? 1.0 : 0.0;
    if (!v) return select({});
    return filter([&](const row_view& r) { return r.number(c) == *v; });
  }
  INFERLENS_LAZY result_table where(column_id c, double value) const {
    return filter([&](const row_view& r) { return r.number(c) == value; });
  }

  /// For each configuration, only the rows of its latest run. A configuration is every identity
  /// column except the engine image (a newer image of the same configuration replaces the older,
  /// as on the InferenceMAX dashboard); runs are ordered by date, then by run id (numerically
  /// when both are numbers), then by position in the table.
  INFERLENS_LAZY result_table latest() const {
    std::vector<column_id> key;
    for (const column& c : columns())
      if (c.kind == column_kind::identity && c.id != cols::image) key.push_back(c.id);
    const detail::grouping g = grouping_of(key);
    std::vector<std::uint32_t> best(g.groups());
    for (std::size_t grp = 0; grp < g.groups(); ++grp) best[grp] = g.first[grp];
    for (std::size_t i = 0; i < size(); ++i) {
      std::uint32_t& b = best[g.group_of[i]];
      if (!run_before((*this)[i], (*this)[b])) b = static_cast<std::uint32_t>(i);
    }
    std::sort(best.begin(), best.end());
    std::vector<std::uint32_t> keep;
    keep.reserve(best.size());
    for (std::uint32_t i : best) keep.push_back(storage_row(i));
    return select(std::move(keep));
  }

  /// Groups of rows sharing one value of the group-by columns, in order of first appearance.
  INFERLENS_LAZY std::vector<table_group> groups(std::span<const column_id> by) const;
  INFERLENS_LAZY std::vector<table_group> groups(std::initializer_list<column_id> by) const;  // (defined below: clang needs table_group complete)

  /// The rows of both tables (this one's first), in one new store.
  INFERLENS_LAZY result_table concat(const result_table& other) const {
    auto s = std::make_shared<detail::table_storage>();
    for (const result_table* t : {this, &other})
      for (std::size_t i = 0; i < t->size(); ++i) detail::append_point(*s, t->point(i));
    result_table out(std::move(s));
    std::vector<source_file> files(this->files().begin(), this->files().end());
    files.insert(files.end(), other.files().begin(), other.files().end());
    out.set_files(std::move(files));
    return out;
  }

  /// One Pareto frontier per system (frontier.hpp).
  INFERLENS_LAZY frontier_set frontiers() const;
  INFERLENS_LAZY frontier_set frontiers(const frontier_spec& spec) const;

  /// The files the rows were read from (empty for a table built in memory).
  INFERLENS_LAZY std::span<const source_file> files() const noexcept {
    if (!files_) return {};
    return *files_;
  }
  INFERLENS_LAZY void set_files(std::vector<source_file> files) {
    files_ = std::make_shared<const std::vector<source_file>>(std::move(files));
  }

  /// The row of the column store behind position i (for code that joins views of one store).
  std::uint32_t storage_row(std::size_t i) const noexcept {
    return rows_ ? (*rows_)[i] : static_cast<std::uint32_t>(i);
  }
  INFERLENS_LAZY const detail::table_storage& storage() const noexcept { return *data_; }

  /// Rows numbered into groups of equal key (frontier.hpp and the readers use it).
  INFERLENS_LAZY detail::grouping grouping_of(std::span<const column_id> by) const {
    detail::grouping g;
    g.group_of.resize(size());
    const std::size_t k = by.size();
    std::vector<detail::key_reader> readers;
    for (column_id c : by) readers.emplace_back(*data_, c);
    std::vector<std::uint64_t> keys;   // k values per group
    std::vector<std::uint64_t> hashes;  // per group
    std::vector<std::uint64_t> row_key(k);
    // groups by key hash, open addressing, at most half full
    constexpr std::uint32_t empty = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> slots(64, empty);
    std::size_t mask = slots.size() - 1;
    for (std::size_t i = 0; i < size(); ++i) {
      const std::uint32_t r = storage_row(i);
      std::uint64_t h = 1469598103934665603ull;
      for (std::size_t j = 0; j < k; ++j) {
        row_key[j] = readers[j](r);
        h = (h ^ row_key[j]) * 1099511628211ull;
        h ^= h >> 29;
      }
      const auto same = [&](std::uint32_t grp) {
        return hashes[grp] == h && std::equal(row_key.begin(), row_key.end(), keys.begin() + static_cast<std::ptrdiff_t>(grp * k));
      };
      std::size_t at = h & mask;
      while (slots[at] != empty && !same(slots[at])) at = (at + 1) & mask;
      std::uint32_t grp = slots[at];
      if (grp == empty) {
        grp = slots[at] = static_cast<std::uint32_t>(hashes.size());
        g.first.push_back(static_cast<std::uint32_t>(i));
        keys.insert(keys.end(), row_key.begin(), row_key.end());
        hashes.push_back(h);
        if (2 * hashes.size() > slots.size()) {  // rehash into twice the slots
          slots.assign(2 * slots.size(), empty);
          mask = slots.size() - 1;
          for (std::uint32_t j = 0; j < hashes.size(); ++j) {
            std::size_t b = hashes[j] & mask;
            while (slots[b] != empty) b = (b + 1) & mask;
            slots[b] = j;
          }
        }
      }
      g.group_of[i] = grp;
    }
    return g;
  }

 private:
  INFERLENS_LAZY static const std::shared_ptr<const detail::table_storage>& empty_storage() {
    static const std::shared_ptr<const detail::table_storage> empty = std::make_shared<detail::table_storage>();
    return empty;
  }

  INFERLENS_LAZY result_table select(std::vector<std::uint32_t> storage_rows) const {
    result_table out;
    out.data_ = data_;
    out.rows_ = std::make_shared<const std::vector<std::uint32_t>>(std::move(storage_rows));
    out.files_ = files_;
    return out;
  }

  // Numeric-aware comparison of run ids: "9" < "10", and "010" == "10".
  INFERLENS_LAZY static bool run_id_less(std::string_view a, std::string_view b) {
    auto digits = [](std::string_view s) {
      return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (digits(a) && digits(b)) {
      const auto number = [](std::string_view s) { return s.substr(std::min(s.find_first_not_of('0'), s.size())); };
      const std::string_view x = number(a), y = number(b);
      if (x.size() != y.size()) return x.size() < y.size();
      return x < y;
    }
    return a < b;
  }
  INFERLENS_LAZY static bool run_before(const row_view& a, const row_view& b) {
    if (a.text(cols::date) != b.text(cols::date)) return a.text(cols::date) < b.text(cols::date);
    return run_id_less(a.text(cols::run), b.text(cols::run));
  }

  std::shared_ptr<const detail::table_storage> data_;
  std::shared_ptr<const std::vector<std::uint32_t>> rows_;  // null: every row of data_
  std::shared_ptr<const std::vector<source_file>> files_;
};

/// Rows sharing one value of the group-by columns.
struct table_group {
  std::vector<cell> key;  ///< one cell per group-by column
  result_table rows;      ///< a view of the group's rows, in table order
};

template <class>
std::vector<table_group> result_table::groups(std::initializer_list<column_id> by) const {
  return groups(std::span<const column_id>(by.begin(), by.size()));
}

template <class>
std::vector<table_group> result_table::groups(std::span<const column_id> by) const {
  const detail::grouping g = grouping_of(by);
  std::vector<std::vector<std::uint32_t>> members(g.groups());
  for (std::size_t i = 0; i < size(); ++i) members[g.group_of[i]].push_back(storage_row(i));
  std::vector<table_group> out;
  out.reserve(g.groups());
  for (std::size_t k = 0; k < g.groups(); ++k) {
    table_group grp;
    for (column_id c : by) grp.key.push_back((*this)[g.first[k]].get(c));
    grp.rows = select(std::move(members[k]));
    out.push_back(std::move(grp));
  }
  return out;
}

INFERLENS_END_NAMESPACE
