// The analytics core in one include: points and the column registry, result tables, readers
// and writers of every harness's files, Pareto frontiers and curves, frontiers of systems with
// their operating points, economics and pricing, the site view. It pulls in neither the load
// generator (Boost; <inferlens/loadgen/...>) nor nlohmann/json, fmt or Eigen: their hooks live in
// <inferlens/json.hpp>, <inferlens/format.hpp> and <inferlens/eigen.hpp>.
#pragma once

#include "inferlens/version.hpp"
#include "inferlens/error.hpp"
#include "inferlens/stats.hpp"
#include "inferlens/record.hpp"
#include "inferlens/columns.hpp"
#include "inferlens/models.hpp"
#include "inferlens/table.hpp"
#include "inferlens/formats.hpp"
#include "inferlens/load.hpp"
#include "inferlens/write.hpp"
#include "inferlens/pareto.hpp"
#include "inferlens/curves.hpp"
#include "inferlens/economics.hpp"
#include "inferlens/tco.hpp"
#include "inferlens/pricing.hpp"
#include "inferlens/site.hpp"
#include "inferlens/frontier.hpp"
