// Whether an objective is better when larger or when smaller: shared by the Pareto kernels and
// the column registry, which must not include each other.
#pragma once

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// Whether an objective is better when larger or when smaller.
enum class sense { maximize, minimize };

INFERLENS_END_NAMESPACE
