// The Catch2 runner shared by the Catch2 test executables (target tconv_catch_main).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
