# Compiles inferlens.hpp with -H and fails if any Boost header appears in the include trace.
execute_process(
  COMMAND ${CXX} -std=c++20 -H -fsyntax-only -I${INCLUDE} -I/usr/include/eigen3 -x c++ ${INCLUDE}/inferlens/inferlens.hpp
  RESULT_VARIABLE rc ERROR_VARIABLE trace OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "inferlens.hpp does not compile:\n${trace}")
endif()
if(trace MATCHES "boost/")
  message(FATAL_ERROR "inferlens.hpp pulls in Boost")
endif()
message(STATUS "inferlens.hpp includes no Boost header")
