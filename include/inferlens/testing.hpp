// Test-framework glue for compare.hpp, kept out of the core so that it depends on no framework:
// operator<< for the comparison types (doctest and GoogleTest both print through it), and
// doctest::StringMaker specialisations when doctest is included before this header.
//
//   #include <doctest/doctest.h>
//   #include <inferlens/testing.hpp>
//   CHECK(inferlens::no_regression(base, next, {.range = {50, 200}, .tolerance = 0.03}));
//   // fails with: 1 of 9 systems failed the gate (...): b200 vllm · ...: regressed: tput_per_gpu -5.2% over 80–120 tok/s/user
//
// GoogleTest needs nothing from here: a comparison converts to ::testing::AssertionResult with
// its description as the message, so EXPECT_TRUE(inferlens::no_regression(...)) prints the
// failing systems.
#pragma once

#include <ostream>
#include <string>

#include "inferlens/compare.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

inline std::ostream& operator<<(std::ostream& os, verdict v) { return os << to_string(v); }
inline std::ostream& operator<<(std::ostream& os, const system_comparison& s) { return os << s.description(); }
inline std::ostream& operator<<(std::ostream& os, const comparison& c) { return os << c.description(); }

INFERLENS_END_NAMESPACE

#ifdef DOCTEST_LIBRARY_INCLUDED
namespace doctest {
template <>
struct StringMaker<inferlens::comparison> {
  static String convert(const inferlens::comparison& c) {
    const std::string s = c.description();
    return String(s.c_str());
  }
};
template <>
struct StringMaker<inferlens::system_comparison> {
  static String convert(const inferlens::system_comparison& s) {
    const std::string d = s.description();
    return String(d.c_str());
  }
};
}  // namespace doctest
#endif
