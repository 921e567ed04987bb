#pragma once
// The usage error of a strict JSON reader: which file, which key, the rule, and what it held.
#include <nlohmann/json.hpp>
#include <string>

#include "harness/protocol.hpp"
#include "harness/usage_error.hpp"

namespace tconv::harness {

/// Throws usage_error "<where>: <key>: <rule> (got <got, shortened>)"; key as the reader names it
/// (quoted, with its parents).
[[noreturn]] inline void reject_json(const std::string& where, const std::string& key,
                                     const std::string& rule, const nlohmann::json& got) {
  throw usage_error(
      where + ": " + key + ": " + rule + " (got " +
      protocol::shown(got.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + ")");
}

}  // namespace tconv::harness
