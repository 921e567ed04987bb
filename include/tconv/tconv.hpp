#pragma once
// Umbrella header: the whole exact core.
#include "tconv/conv.hpp"
#include "tconv/conv_matrix.hpp"
#include "tconv/conv_transpose.hpp"
#include "tconv/conv_transpose_gather.hpp"
#include "tconv/conventions.hpp"
#include "tconv/problem.hpp"
#include "tconv/region.hpp"
#include "tconv/symbolic.hpp"
#include "tconv/tensor.hpp"
#include "tconv/zero_insertion.hpp"
