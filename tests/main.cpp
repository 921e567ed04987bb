// The Catch2 runner of tconv-unit-tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
