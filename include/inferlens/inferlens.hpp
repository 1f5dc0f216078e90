// The analytics core in one include: records, statistics, tables, readers and writers, Pareto
// frontiers, interpolated curves and economics (per-point figures, TCO and power models, site/ROI). It never pulls in the load generator (Boost);
// include <inferlens/loadgen/...> for that.
#pragma once

#include "inferlens/version.hpp"
#include "inferlens/error.hpp"
#include "inferlens/stats.hpp"
#include "inferlens/record.hpp"
#include "inferlens/table.hpp"
#include "inferlens/io.hpp"
#include "inferlens/pareto.hpp"
#include "inferlens/curves.hpp"
#include "inferlens/economics.hpp"
#include "inferlens/tco.hpp"
#include "inferlens/site.hpp"
