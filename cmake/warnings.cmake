# Warnings for the project's own targets (never forced on consumers of tconv::tconv).
add_library(tconv_warnings INTERFACE)
target_compile_options(tconv_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                                -Wno-sign-conversion)
if(TCONV_WERROR)
  target_compile_options(tconv_warnings INTERFACE -Werror)
endif()
