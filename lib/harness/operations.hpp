#pragma once
// The operations the harness runs campaigns on: one row per operation under test. Adding one (the
// backward pass, int8) is adding its model in operations/ and naming it here.
#include "harness/operation.hpp"
#include "harness/operations/conv_transpose_forward.hpp"

namespace tconv::harness {

/// The operation `tconv explore` and `tconv verify` test.
using tested_operation = operations::conv_transpose_forward_f32;
static_assert(operation_under_test<tested_operation>);

}  // namespace tconv::harness
