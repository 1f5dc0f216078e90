// What `serve-sim` and `bench --sim` share: a step model from a calibrated system of results
// (--model-from RESULTS; sim/calibrated.hpp does the work), the system chosen by name or filters.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <inferlens/error.hpp>
#include <inferlens/sim/calibrated.hpp>

#include "common.hpp"

namespace inferlens::cli {

struct calibrated_cli_options {
  std::vector<std::string> model_from;  ///< result files or directories
  std::string system;
  std::vector<std::string> filters;
  std::optional<std::int64_t> tp, isl, osl;
  std::string system_option = "--system", filter_option = "--filter";  ///< as the command spells them

  bool given() const noexcept { return !model_from.empty(); }
};

/// Loads the results, chooses the system and makes its step model on top of `base`.
inline sim::calibrated_system calibrated_from(const calibrated_cli_options& o, const sim::step_model& base) {
  input_options in;
  in.inputs = o.model_from;
  in.filters = o.filters;
  result_table t;
  try {
    t = load_inputs(in);
  } catch (const input_error& e) {
    if (e.where().file == "--filter") option_error(o.filter_option, e);
    throw;
  }
  const std::vector<benchmark_point> points = t.points();
  sim::calibrated_system_options so;
  so.system = o.system;
  so.tp = o.tp;
  so.isl = o.isl;
  so.osl = o.osl;
  so.base = base;
  try {
    return sim::calibrated_system_of(std::span<const benchmark_point>(points), so);
  } catch (const input_error& e) {
    if (e.where().field == "system")
      throw input_error({"--model-from", std::nullopt, std::nullopt, o.system},
                        e.message() + fmt::format(" (choose with {} NAME, or narrow with {} COLUMN=VALUE)", o.system_option, o.filter_option));
    throw;
  }
}

/// One line on what the step model was made from.
inline std::string calibrated_note(const sim::calibrated_system& s) {
  const auto& d = s.step.deployment;
  const auto tpot = [&](double b) { return s.step.step_seconds(b) * 1e3; };
  return fmt::format("step times of {} calibrated on {} points, at tp {}, ISL/OSL {}/{}: TPOT {:.3g} ms at batch 1, {:.3g} ms at 64",
                     s.name, s.cal.points, d.tp, d.isl, d.osl, tpot(1), tpot(64));
}

}  // namespace inferlens::cli
