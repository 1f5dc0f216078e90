// One error type for every input boundary: it names the file, the row (or byte) and the field.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// Where in an input something went wrong. Any part may be unknown.
struct input_location {
  std::string file;                   ///< path as the caller gave it, or "<memory>"
  std::optional<std::size_t> row;     ///< 1-based data row (CSV: line after the header; JSON: array element)
  std::optional<std::size_t> byte;    ///< 0-based byte offset, for syntax errors
  std::string field;                  ///< column or key name
};

/// Thrown when input (a file, a column name, an option) is malformed.
/// what() reads "FILE: row N: field 'F': MESSAGE".
class input_error : public std::runtime_error {
 public:
  input_error(input_location where, const std::string& message)
      : std::runtime_error(describe(where, message)), where_(std::move(where)), message_(message) {}

  INFERLENS_LAZY const input_location& where() const noexcept { return where_; }
  /// The message without the location prefix.
  INFERLENS_LAZY const std::string& message() const noexcept { return message_; }

  INFERLENS_LAZY static std::string describe(const input_location& w, const std::string& message) {
    std::string s = w.file.empty() ? std::string("<input>") : w.file;
    if (w.row) s += ": row " + std::to_string(*w.row);
    if (w.byte) s += ": byte " + std::to_string(*w.byte);
    if (!w.field.empty()) s += ": field '" + w.field + "'";
    return s + ": " + message;
  }

 private:
  input_location where_;
  std::string message_;
};

INFERLENS_END_NAMESPACE
