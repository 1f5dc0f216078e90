# Writes a C++ header holding a JSON data file verbatim, so the library needs no file at run time:
#   cmake -DIN=data/models.json -DOUT=include/inferlens/detail/models_data.hpp -DNAME=models_json -P cmake/embed_json.cmake
# The generated header is committed; a test regenerates it and fails when it differs, so the data
# file stays the one source of truth.
foreach(var IN ITEMS IN OUT NAME)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_json.cmake: -D${var}=... is required")
  endif()
endforeach()
file(READ "${IN}" content)
string(FIND "${content}" ")inferlens_json\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )inferlens_json\"")
endif()
get_filename_component(source_name "${IN}" NAME)
file(WRITE "${OUT}" "// Generated from data/${source_name} by cmake/embed_json.cmake; tests/CMakeLists.txt checks that it
// matches the data file. Do not edit: edit the data file and regenerate.
#pragma once

#include <string_view>

#include \"inferlens/version.hpp\"

INFERLENS_BEGIN_NAMESPACE
namespace detail {
// A char array, not a string_view initialised from the literal: the compiler then need not
// count the characters in a constant expression (0.1 s of g++ time for the 40 KB presets).
inline constexpr char ${NAME}_text[] = R\"inferlens_json(${content})inferlens_json\";
inline constexpr std::string_view ${NAME}(${NAME}_text, sizeof ${NAME}_text - 1);
}  // namespace detail
INFERLENS_END_NAMESPACE
")
if(DEFINED COMPARE)
  file(READ "${OUT}" generated)
  file(READ "${COMPARE}" committed)
  if(NOT generated STREQUAL committed)
    message(FATAL_ERROR "${COMPARE} does not match ${IN}: regenerate it with\n"
            "  cmake -DIN=${IN} -DOUT=${COMPARE} -DNAME=${NAME} -P cmake/embed_json.cmake")
  endif()
endif()
