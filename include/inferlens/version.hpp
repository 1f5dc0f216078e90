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
