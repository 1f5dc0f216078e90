// RFC 4180 CSV records for the result readers and writers: quoted fields may hold commas,
// doubled quotes and line breaks; records end with CRLF, LF or CR; the last line may or may
// not end with a newline. Syntax errors carry the byte offset; io.hpp adds file and row.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {

/// A malformed record: where (0-based byte offset) and what is wrong.
struct csv_syntax_error {
  std::size_t byte;
  std::string message;
};

/// A UTF-8 byte order mark (Excel writes one) is not part of the first header name.
inline std::size_t utf8_bom_length(std::string_view text) noexcept {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

/// Reads one record at a time. The field views point into the text, or into storage of the
/// reader for quoted fields with doubled quotes; they stay valid until the next call.
class csv_reader {
 public:
  explicit csv_reader(std::string_view text) noexcept : text_(text), pos_(utf8_bom_length(text)) {}

  /// Reads the next record into `fields`, skipping blank lines; false at the end of the input.
  bool next(std::vector<std::string_view>& fields) {
    fields.clear();
    unescaped_.clear();
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) ++pos_;
    if (pos_ >= text_.size()) return false;
    record_start_ = pos_;
    for (;;) {
      const bool is_quoted = pos_ < text_.size() && text_[pos_] == '"';
      fields.push_back(is_quoted ? quoted() : unquoted());
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_++];
      if (c == ',') continue;
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      return true;  // '\r' or '\n'
    }
  }

  /// Byte offset where the record last returned by next() begins.
  std::size_t record_start() const noexcept { return record_start_; }

 private:
  std::string_view unquoted() {
    const std::size_t begin = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ',' || c == '\n' || c == '\r') break;
      if (c == '"')
        throw csv_syntax_error{pos_, "a quote inside an unquoted field: quote the whole field and double the quote"};
      ++pos_;
    }
    return text_.substr(begin, pos_ - begin);
  }

  std::string_view quoted() {
    const std::size_t open = pos_++;
    std::size_t run = pos_;
    std::string* copy = nullptr;  // only fields with doubled quotes are copied
    for (;;) {
      const std::size_t q = text_.find('"', pos_);
      if (q == std::string_view::npos)
        throw csv_syntax_error{open, "unterminated quoted field (the closing quote is missing)"};
      if (q + 1 < text_.size() && text_[q + 1] == '"') {  // "" is one literal quote
        if (!copy) copy = &unescaped_.emplace_back();
        copy->append(text_.substr(run, q + 1 - run));
        pos_ = run = q + 2;
        continue;
      }
      pos_ = q + 1;
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r')
        throw csv_syntax_error{pos_, "expected ',' or a line end after a closing quote"};
      if (!copy) return text_.substr(run, q - run);
      copy->append(text_.substr(run, q - run));
      return *copy;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t record_start_ = 0;
  std::deque<std::string> unescaped_;  // deque: growing it never moves the strings views point into
};

/// Appends one field, quoted when it holds a comma, a quote, a line break or edge spaces.
inline void append_csv_field(std::string& out, std::string_view field) {
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
