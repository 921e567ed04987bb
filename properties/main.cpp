// Catch2's main for the property suite (kept in its own translation unit: compiled once).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
