// inferlens version; kept equal to project(VERSION) in CMakeLists.txt (a test checks).
#pragma once

#define INFERLENS_VERSION_MAJOR 0
#define INFERLENS_VERSION_MINOR 2
#define INFERLENS_VERSION_PATCH 0
#define INFERLENS_VERSION (INFERLENS_VERSION_MAJOR * 10000 + INFERLENS_VERSION_MINOR * 100 + INFERLENS_VERSION_PATCH)
#define INFERLENS_VERSION_STRING "0.2.0"

// Users never spell the inline namespace; it changes when the ABI does.
#define INFERLENS_BEGIN_NAMESPACE \
  namespace inferlens {           \
  inline namespace v0 {
#define INFERLENS_END_NAMESPACE \
  }                             \
  }

// Written before a function whose body is compiled only in a translation unit that calls it: a
// template with one defaulted parameter. Including a header then costs parsing the body, not
// instantiating everything it uses, so a program pays for what it calls (the compile-weight
// target, benchmarks/compile_weight.cpp). Callers see an ordinary function; its address is &f<>.
#define INFERLENS_LAZY template <class = void>
