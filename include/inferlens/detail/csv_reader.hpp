// RFC 4180 CSV records: quoted fields may hold commas, doubled quotes and line breaks; records
// end with CRLF, LF or CR; the last line may or may not end with a newline. The reader works on
// a window of the input, so a large file is read in blocks: at the end of a window that is not
// the last it asks for more instead of taking a cut record for a whole one. Syntax errors carry
// the byte offset in the file.
#pragma once

#include <cstddef>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inferlens/detail/text.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {

/// A malformed record: where (0-based byte offset in the file) and what is wrong.
struct csv_syntax_error {
  std::size_t byte;
  std::string message;
};

class csv_reader {
 public:
  enum class status { record, need_more, end };

  csv_reader() = default;
  /// The whole input at once.
  explicit csv_reader(std::string_view text) { window(text, 0, true); }

  /// The bytes available now: `text` starts at byte `base` of the file; `last` when nothing
  /// follows. A byte order mark at the start of the file is skipped.
  INFERLENS_LAZY void window(std::string_view text, std::size_t base, bool last) noexcept {
    text_ = text;
    base_ = base;
    last_ = last;
    pos_ = base == 0 ? utf8_bom_length(text) : 0;
  }

  /// Reads the next record into `fields`, skipping blank lines. The views point into the window,
  /// or into the reader for quoted fields with doubled quotes, and stay valid until the next
  /// call. need_more: the window ends inside a record (nothing consumed; call window() with the
  /// bytes from consumed() on and more after them).
  INFERLENS_LAZY status next(std::vector<std::string_view>& fields) {
    fields.clear();
    unescaped_.clear();
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) ++pos_;
    if (pos_ >= text_.size()) return last_ ? status::end : status::need_more;
    const std::size_t start = pos_;
    record_start_ = base_ + pos_;
    if (const auto fast = unquoted_record(fields)) return *fast;
    for (;;) {
      const bool is_quoted = text_[pos_] == '"';
      std::string_view f;
      if (!(is_quoted ? quoted(f) : unquoted(f))) {
        pos_ = start;
        fields.clear();
        return status::need_more;
      }
      fields.push_back(f);
      if (pos_ >= text_.size()) {
        if (last_) return status::record;
        pos_ = start;  // the line end may be in the next window
        fields.clear();
        return status::need_more;
      }
      const char c = text_[pos_++];
      if (c == ',') {
        if (pos_ >= text_.size() && !last_) {
          pos_ = start;
          fields.clear();
          return status::need_more;
        }
        if (pos_ >= text_.size()) {  // "a,b," at the very end: a last empty field
          fields.emplace_back();
          return status::record;
        }
        continue;
      }
      if (c == '\r') {
        if (pos_ >= text_.size() && !last_) {  // CR at the end of a window: CRLF may be split
          pos_ = start;
          fields.clear();
          return status::need_more;
        }
        if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      }
      return status::record;
    }
  }

  /// Bytes of the window consumed by the records returned so far.
  INFERLENS_LAZY std::size_t consumed() const noexcept { return pos_; }
  /// Byte offset in the file where the record last returned begins.
  INFERLENS_LAZY std::size_t record_start() const noexcept { return record_start_; }

 private:
  // The common case, a record without quotes that ends in LF or CRLF: found with memchr and cut
  // at its commas. Anything else (quotes, a lone CR) is left to the general path.
  INFERLENS_LAZY std::optional<status> unquoted_record(std::vector<std::string_view>& fields) {
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    const char* nl = static_cast<const char*>(std::memchr(begin, '\n', static_cast<std::size_t>(end - begin)));
    if (!nl && !last_) return std::nullopt;  // the general path asks for more
    const char* line_end = nl ? nl : end;
    if (line_end > begin && line_end[-1] == '\r') --line_end;
    const auto length = static_cast<std::size_t>(line_end - begin);
    if (std::memchr(begin, '"', length) || std::memchr(begin, '\r', length)) return std::nullopt;
    for (const char* field = begin;;) {
      const char* comma = static_cast<const char*>(std::memchr(field, ',', static_cast<std::size_t>(line_end - field)));
      if (!comma) {
        fields.emplace_back(field, static_cast<std::size_t>(line_end - field));
        break;
      }
      fields.emplace_back(field, static_cast<std::size_t>(comma - field));
      field = comma + 1;
    }
    pos_ = nl ? static_cast<std::size_t>(nl + 1 - text_.data()) : text_.size();
    return status::record;
  }

  // false: the window ended inside the field (and more may follow)
  INFERLENS_LAZY bool unquoted(std::string_view& out) {
    const std::size_t begin = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ',' || c == '\n' || c == '\r') break;
      if (c == '"')
        throw csv_syntax_error{base_ + pos_, "a quote inside an unquoted field: quote the whole field and double the quote"};
      ++pos_;
    }
    if (pos_ >= text_.size() && !last_) return false;
    out = text_.substr(begin, pos_ - begin);
    return true;
  }

  INFERLENS_LAZY bool quoted(std::string_view& out) {
    const std::size_t open = pos_++;
    std::size_t run = pos_;
    std::string* copy = nullptr;  // only fields with doubled quotes are copied
    for (;;) {
      const std::size_t q = text_.find('"', pos_);
      if (q == std::string_view::npos) {
        if (!last_) return false;
        throw csv_syntax_error{base_ + open, "unterminated quoted field (the closing quote is missing)"};
      }
      if (q + 1 >= text_.size() && !last_) return false;  // is it "" or the end of the field?
      if (q + 1 < text_.size() && text_[q + 1] == '"') {   // "" is one literal quote
        if (!copy) copy = &unescaped_.emplace_back();
        copy->append(text_.substr(run, q + 1 - run));
        pos_ = run = q + 2;
        continue;
      }
      pos_ = q + 1;
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r')
        throw csv_syntax_error{base_ + pos_, "expected ',' or a line end after a closing quote"};
      if (!copy) {
        out = text_.substr(run, q - run);
        return true;
      }
      copy->append(text_.substr(run, q - run));
      out = *copy;
      return true;
    }
  }

  std::string_view text_;
  std::size_t base_ = 0, pos_ = 0, record_start_ = 0;
  bool last_ = true;
  std::deque<std::string> unescaped_;  // deque: growing it never moves the strings views point into
};

/// Appends one field, quoted when it holds a comma, a quote, a line break or edge spaces.
INFERLENS_LAZY void append_csv_field(std::string& out, std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace detail
INFERLENS_END_NAMESPACE
