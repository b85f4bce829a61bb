# Helpers that keep one build target per module folder (STYLE.md "Dependencies").
#
#   pantau_module(core SOURCES a.cc b.cc DEPS fmt::fmt)
#     -> static library `pantau_core`, alias `pantau::core`, include root src/.
#   pantau_test(core DEPS pantau::core)
#     -> executable `core_tests` from tests/core/*_test.cc, registered with ctest.

set(PANTAU_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wno-missing-field-initializers)

function(pantau_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(pantau_${name} STATIC ${M_SOURCES})
  add_library(pantau::${name} ALIAS pantau_${name})
  target_include_directories(pantau_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(pantau_${name} PRIVATE ${PANTAU_WARNINGS})
  target_link_libraries(pantau_${name} PUBLIC ${M_DEPS})
endfunction()

function(pantau_test name)
  cmake_parse_arguments(T "" "" "DEPS;SOURCES" ${ARGN})
  file(GLOB test_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  add_executable(${name}_tests ${test_sources} ${T_SOURCES})
  target_compile_options(${name}_tests PRIVATE ${PANTAU_WARNINGS})
  target_include_directories(${name}_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name}_tests PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name}_tests PRIVATE
    PANTAU_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    PANTAU_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name}_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)
endfunction()
