# Warnings for the project's own targets (never forced on consumers of tconv::tconv).
add_library(tconv_warnings INTERFACE)
target_compile_options(tconv_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                                -Wno-sign-conversion)
# GCC 12 at -O2/-O3 reports a false -Wrestrict inside std::string's operator+ and insert as
# inlined from the core's error messages (GCC bugs 105329 and 105651): not a defect of this code,
# and -Werror must not stop on it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(tconv_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
endif()
if(TCONV_WERROR)
  target_compile_options(tconv_warnings INTERFACE -Werror)
endif()
