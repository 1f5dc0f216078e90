// Cost and power models on hand calculations, the embedded presets (the data file verbatim,
// complete, sourced, and equal to InferenceX's published constants), user overrides and the
// errors bad files get, and pricing: every cost and power model resolved per accelerator from
// the presets, reasons instead of exceptions for what one accelerator lacks, and validation of
// the values a caller gives.
#include <doctest/doctest.h>

#include <inferlens/error.hpp>
#include <inferlens/json.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/tco.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace inferlens;
namespace fs = std::filesystem;

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

fs::path data_file() { return fs::path(INFERLENS_SOURCE_DIR) / "data" / "accelerators.json"; }

const preset_db& presets() { return shipped_presets(); }

// The message of the input_error `f` throws ("" if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const input_error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A temporary file that is removed afterwards.
struct temp_file {
  fs::path path;
  temp_file(const std::string& name, const std::string& text)
      : path(fs::temp_directory_path() / ("inferlens_tco_test_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~temp_file() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

// The resolved price, which must exist.
resolved_pricing resolved(const pricing& p, std::string_view accelerator) {
  const pricing_result r = p.resolve(accelerator);
  INFO(r.reason);
  REQUIRE(r);
  return *r;
}

// The reason a price has none (which must be so).
std::string reason(const pricing& p, std::string_view accelerator) {
  pricing_result r;
  CHECK_NOTHROW(r = p.resolve(accelerator));
  CHECK_FALSE(r);
  return r.reason;
}

const assumption* find_assumption(const std::vector<assumption>& as, std::string_view key) {
  for (const auto& a : as)
    if (a.key == key) return &a;
  return nullptr;
}

// CRF(10%, 4 y) = 0.1 × 1.1^4 / (1.1^4 − 1) = 0.1 × 1.4641 / 0.4641
constexpr double crf_10_4 = 0.1 * 1.4641 / 0.4641;
// CRF(10%, 3 y) = 0.1 × 1.331 / 0.331
constexpr double crf_10_3 = 0.1 * 1.331 / 0.331;

}  // namespace

TEST_CASE("capital recovery factor") {
  CHECK(*capital_recovery_factor(0.10, 4) == doctest::Approx(crf_10_4).epsilon(1e-14));  // 0.315471
  CHECK(*capital_recovery_factor(0.10, 3) == doctest::Approx(crf_10_3).epsilon(1e-14));  // 0.402115
  CHECK(*capital_recovery_factor(0.10, 4) == doctest::Approx(0.3155).epsilon(1e-3));      // reference table
  CHECK(*capital_recovery_factor(0.12, 3) == doctest::Approx(0.416).epsilon(1e-3));
  CHECK(*capital_recovery_factor(0.0, 4) == 0.25);  // no interest: straight line
  CHECK_FALSE(capital_recovery_factor(0.1, 0));
  CHECK_FALSE(capital_recovery_factor(0.1, -3));
  CHECK_FALSE(capital_recovery_factor(-1.0, 4));
  CHECK_FALSE(capital_recovery_factor(k_nan, 4));
  // property: n payments of CRF repay the loan: Σ CRF / (1+r)^t for t = 1..n = 1
  for (double r : {0.01, 0.05, 0.1, 0.2})
    for (int n : {1, 3, 4, 6, 20}) {
      double pv = 0;
      for (int t = 1; t <= n; ++t) pv += *capital_recovery_factor(r, n) / std::pow(1 + r, t);
      CHECK(pv == doctest::Approx(1.0).epsilon(1e-12));
    }
}

TEST_CASE("owned cost: the reference's H100 sanity example") {
  // $35k capex, 4 years at 10%, 1.37 kW IT, PUE 1.2, $0.08/kWh, full load, $150/kW-month colo:
  // capital 35000 × 0.315471 / 8760 = 1.2604; power 1.37 × 1 × 1.2 × 0.08 = 0.13152;
  // colocation 1.37 × 150 / 730 = 0.28151; total ≈ 1.6735 (reference: ≈ 1.67)
  owned_cost_inputs in;
  in.capex_usd_per_gpu = 35000;
  in.economic_life_years = 4;
  in.cost_of_capital = 0.10;
  in.it_kw_per_gpu = 1.37;
  in.pue = 1.2;
  in.usd_per_kwh = 0.08;
  in.load_factor = 1.0;
  in.colo_usd_per_kw_month = 150;
  const cost_breakdown b = owned_cost(in);
  const double capital = 35000 * crf_10_4 / 8760, power = 1.37 * 1.0 * 1.2 * 0.08, colo = 1.37 * 150 / 730.0;
  REQUIRE(b.lines.size() == 5);
  CHECK(b.lines[0].item == "capital");
  CHECK(b.lines[0].value == doctest::Approx(capital).epsilon(1e-12));
  CHECK(b.lines[0].value == doctest::Approx(1.2604).epsilon(1e-4));
  CHECK(b.lines[1].value == doctest::Approx(power).epsilon(1e-12));
  CHECK(b.lines[2].value == doctest::Approx(colo).epsilon(1e-12));
  CHECK(b.lines[3].value == 0.0);
  CHECK(b.usd_per_gpu_hour == doctest::Approx(capital + power + colo).epsilon(1e-12));
  CHECK(b.usd_per_gpu_hour == doctest::Approx(1.6735).epsilon(1e-4));
  CHECK(b.assumptions.size() == 14);
  CHECK(b.lines[0].formula == "capex $35000 × CRF(0.1, 4 y) 0.315471 / 8760 h");
  // the lines sum to the total
  double sum = 0;
  for (const auto& l : b.lines) sum += l.value;
  CHECK(sum == doctest::Approx(b.usd_per_gpu_hour).epsilon(1e-12));
}

TEST_CASE("owned cost: network share, residual value, maintenance, other opex, availability") {
  owned_cost_inputs in;
  in.capex_usd_per_gpu = 30000;
  in.network_capex_usd_per_gpu = 6000;
  in.other_capex_usd_per_gpu = 4000;  // capex 40,000
  in.residual_fraction = 0.2;         // $8,000 at year 4, worth 8000 / 1.4641 = 5464.11 now
  in.it_kw_per_gpu = 2.0;
  in.pue = 1.3;
  in.usd_per_kwh = 0.10;
  in.load_factor = 0.5;
  in.colo_usd_per_kw_month = 200;
  in.maintenance_fraction_per_year = 0.05;
  in.other_opex_usd_per_gpu_hour = 0.04;
  in.availability = 0.8;
  const cost_breakdown b = owned_cost(in);
  // capital (40000 − 8000/1.4641) × 0.315471 / 8760 = 1.24373
  const double capital = (40000 - 8000 / 1.4641) * crf_10_4 / 8760;
  const double power = 2.0 * 0.5 * 1.3 * 0.10;    // 0.13
  const double colo = 2.0 * 200 / 730.0;           // 0.547945
  const double maintenance = 0.05 * 40000 / 8760;  // 0.228311
  const double sum = capital + power + colo + maintenance + 0.04;
  CHECK(b.lines[0].value == doctest::Approx(capital).epsilon(1e-12));
  CHECK(b.lines[0].value == doctest::Approx(1.24373).epsilon(1e-5));
  CHECK(b.lines[1].value == doctest::Approx(power).epsilon(1e-12));
  CHECK(b.lines[2].value == doctest::Approx(colo).epsilon(1e-12));
  CHECK(b.lines[3].value == doctest::Approx(maintenance).epsilon(1e-12));
  CHECK(b.lines[4].value == 0.04);
  REQUIRE(b.lines.size() == 6);  // plus the unsold hours
  CHECK(b.lines[5].item == "unsold hours");
  CHECK(b.usd_per_gpu_hour == doctest::Approx(sum / 0.8).epsilon(1e-12));
  const owned_opex o = owned_opex_per_gpu_hour(in);
  CHECK(o.total() == doctest::Approx(power + colo + maintenance + 0.04).epsilon(1e-12));
}

TEST_CASE("owned cost: property — cost rises with capex, rate, PUE and power price; falls with life") {
  owned_cost_inputs base;
  base.capex_usd_per_gpu = 40000;
  base.it_kw_per_gpu = 1.5;
  const double c0 = owned_cost(base).usd_per_gpu_hour;
  auto with = [&](auto change) {
    owned_cost_inputs in = base;
    change(in);
    return owned_cost(in).usd_per_gpu_hour;
  };
  CHECK(with([](auto& in) { in.capex_usd_per_gpu = 50000; }) > c0);
  CHECK(with([](auto& in) { in.cost_of_capital = 0.15; }) > c0);
  CHECK(with([](auto& in) { in.pue = 1.5; }) > c0);
  CHECK(with([](auto& in) { in.usd_per_kwh = 0.12; }) > c0);
  CHECK(with([](auto& in) { in.economic_life_years = 6; }) < c0);
  CHECK(with([](auto& in) { in.availability = 0.9; }) == doctest::Approx(c0 / 0.9));
}

TEST_CASE("owned cost: bad inputs name the parameter, never a CLI option") {
  owned_cost_inputs in;
  in.it_kw_per_gpu = 1.0;
  const std::string missing = error_of([&] { owned_cost(in); });
  CHECK(contains(missing, "field 'capex_usd_per_gpu': missing value"));
  CHECK_FALSE(contains(missing, "--"));
  in.capex_usd_per_gpu = 30000;
  in.economic_life_years = 0;
  CHECK(contains(error_of([&] { owned_cost(in); }), "'economic_life_years': must be > 0, got 0"));
  in.economic_life_years = 4;
  in.pue = 0.9;
  CHECK(contains(error_of([&] { owned_cost(in); }), "'pue': must be >= 1, got 0.9"));
  in.pue = 1.2;
  in.load_factor = 1.5;
  CHECK(contains(error_of([&] { owned_cost(in); }), "'load_factor': must be >= 0 and <= 1, got 1.5"));
  in.load_factor = 0.7;
  in.availability = 0;
  CHECK(contains(error_of([&] { owned_cost(in); }), "'availability'"));
  in.availability = 1;
  in.capex_usd_per_gpu = -5;
  CHECK(contains(error_of([&] { owned_cost(in); }), "'capex_usd_per_gpu': must be > 0, got -5"));
}

TEST_CASE("rented cost: 3-year contract, 25% upfront, 10% discount rate") {
  // effective = 2.60 × (0.75 + 0.25 × 3 × CRF(10%, 3)) = 2.60 × (0.75 + 0.301586) = 2.734124
  rented_cost_inputs in;
  in.contract_usd_per_gpu_hour = 2.60;
  const cost_breakdown b = rented_cost(in);
  REQUIRE(b.lines.size() == 2);
  CHECK(b.lines[0].value == doctest::Approx(2.60 * 0.75).epsilon(1e-14));
  CHECK(b.lines[1].value == doctest::Approx(2.60 * 0.25 * 3 * crf_10_3).epsilon(1e-12));
  CHECK(b.usd_per_gpu_hour == doctest::Approx(2.734124).epsilon(1e-6));
  // the reference's multipliers: 1.041× at 8%, 1.052× at 10%, 1.078× at 15%
  for (auto [r, m] : {std::pair{0.08, 1.041}, {0.10, 1.052}, {0.15, 1.078}}) {
    in.contract_usd_per_gpu_hour = 1.0;
    in.discount_rate = r;
    CHECK(rented_cost(in).usd_per_gpu_hour == doctest::Approx(m).epsilon(1e-3));
  }
  // nothing upfront: the contract rate itself
  in.upfront_fraction = 0;
  CHECK(rented_cost(in).usd_per_gpu_hour == 1.0);
  in.upfront_fraction = 1.2;
  CHECK(contains(error_of([&] { rented_cost(in); }), "'upfront_fraction'"));
  rented_cost_inputs missing;
  CHECK(contains(error_of([&] { rented_cost(missing); }), "'contract_usd_per_gpu_hour': missing value"));
}

TEST_CASE("power models: components × PUE, IT and facility kept apart") {
  // H100-like: 700 W TDP + 575 W host (DGX 10.2 kW / 8 − 700) + 95 W switch share = 1370 W IT;
  // × PUE 1.25 = 1.7125 kW utility, of which 0.3425 kW facility overhead
  power_components c;
  c.tdp_w = 700;
  c.host_w_per_gpu = 575;
  c.switch_w_per_gpu = 95;
  c.pue = 1.25;
  const power_breakdown b = component_power(c);
  CHECK(*b.it_kw_per_gpu == doctest::Approx(1.37));
  CHECK(*b.utility_kw_per_gpu == doctest::Approx(1.7125));
  CHECK(*b.facility_kw_per_gpu == doctest::Approx(0.3425));
  CHECK(b.basis == power_basis::utility);
  CHECK(b.kw_per_gpu == doctest::Approx(1.7125));
  CHECK(component_power(c, power_basis::it).kw_per_gpu == doctest::Approx(1.37));
  c.tdp_w = 0;
  CHECK(contains(error_of([&] { component_power(c); }), "'tdp_w'"));

  // a given utility figure with a PUE: IT = 2.17 / 1.25 = 1.736
  const power_breakdown g = given_power(2.17, power_basis::utility, 1.25);
  CHECK(*g.it_kw_per_gpu == doctest::Approx(1.736));
  CHECK(g.kw_per_gpu == 2.17);
  CHECK(contains(error_of([] { given_power(-1, power_basis::utility); }), "'kw_per_gpu': must be > 0"));
}

TEST_CASE("presets: the embedded header is data/accelerators.json verbatim") {
  std::ifstream f(data_file(), std::ios::binary);
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  CHECK(ss.str() == detail::accelerators_json);
  // and parses to the same database as the file read from disk
  const preset_db disk = load_presets(data_file());
  const preset_db& built_in = shipped_presets();
  CHECK(&built_in == &shipped_presets());  // parsed once
  CHECK(disk.default_vintage == built_in.default_vintage);
  CHECK(disk.vintages.size() == built_in.vintages.size());
  CHECK(disk.defaults.size() == built_in.defaults.size());
  REQUIRE(disk.accelerators.size() == built_in.accelerators.size());
  for (const auto& [key, a] : disk.accelerators) {
    CAPTURE(key);
    const accelerator_preset& b = built_in.accelerators.at(key);
    CHECK(a.values.size() == b.values.size());
    for (const auto& [k, v] : a.values) CHECK(b.value(k)->value == v.value);
    for (const auto& [vint, tiers] : a.cost_usd_per_gpu_hour)
      for (const auto& [t, v] : tiers) CHECK(b.cost(vint, t)->value == v.value);
    for (const auto& [vint, v] : a.kw_per_gpu) CHECK(b.power(vint)->value == v.value);
  }
  CHECK(contains(built_in.files.front(), "built in"));
  CHECK(disk.files.front() == data_file().string());
}

TEST_CASE("presets: the shipped file is complete and every value is sourced") {
  const preset_db& db = presets();
  CHECK(db.default_vintage == "2026-07");
  REQUIRE(db.vintages.size() >= 2);
  CHECK(db.vintages.back().name == db.default_vintage);  // the default is the newest
  for (const char* name : {"h100", "h200", "b200", "b300", "gb200", "gb300", "mi300x", "mi325x", "mi355x"}) {
    CAPTURE(name);
    const accelerator_preset* a = db.find(name);
    REQUIRE(a);
    for (const char* spec : {"tdp_w", "hbm_gb", "hbm_tb_per_s"}) {
      CAPTURE(spec);
      REQUIRE(a->value(spec));
      CHECK(a->value(spec)->value > 0);
      CHECK_FALSE(a->value(spec)->source.empty());
      CHECK_FALSE(a->value(spec)->vintage.empty());
    }
    for (const char* vintage : {"2025-08", "2026-07"}) {
      for (tier t : {tier::hyperscaler, tier::neocloud, tier::rental}) {
        const sourced_value* v = a->cost(vintage, to_string(t));
        REQUIRE(v);
        CHECK(v->value > 0);
        CHECK(v->vintage == vintage);
        CHECK_FALSE(v->source.empty());
      }
      const sourced_value* p = a->power(vintage);
      REQUIRE(p);
      CHECK(p->basis.has_value());
      CHECK(p->vintage == vintage);
    }
    CHECK(*a->power("2025-08")->basis == power_basis::utility);
    CHECK(*a->power("2026-07")->basis == power_basis::it);
  }
  // the defaults of the models agree with the library's struct defaults
  const owned_cost_inputs o;
  CHECK(db.default_value("economic_life_years")->value == o.economic_life_years);
  CHECK(db.default_value("cost_of_capital")->value == o.cost_of_capital);
  CHECK(db.default_value("pue")->value == o.pue);
  CHECK(db.default_value("usd_per_kwh")->value == o.usd_per_kwh);
  CHECK(db.default_value("load_factor")->value == o.load_factor);
  CHECK(db.default_value("colo_usd_per_kw_month")->value == o.colo_usd_per_kw_month);
  const rented_cost_inputs r;
  CHECK(db.default_value("term_years")->value == r.term_years);
  CHECK(db.default_value("upfront_fraction")->value == r.upfront_fraction);
  CHECK(db.default_value("discount_rate")->value == r.discount_rate);
  // every model parameter without an accelerator-specific source has a default
  for (const auto& p : model_parameters()) {
    CAPTURE(p.key);
    const bool per_accelerator = p.models == "fixed" || p.key == "capex_usd_per_gpu" || p.key == "it_kw_per_gpu" ||
                                 p.key == "contract_usd_per_gpu_hour" || p.key == "tdp_w" || p.key == "host_w_per_gpu";
    if (!per_accelerator) CHECK(db.default_value(p.key));
  }
}

TEST_CASE("presets: InferenceX's published constants (reference tco-power.md §2.2)") {
  const preset_db& db = presets();
  struct row {
    const char* gpu;
    double kw25, h25, n25, r25, kw26, h26, n26, r26;
  };
  const row rows[] = {
      {"h100", 1.73, 1.30, 1.69, 1.30, 1.37, 1.17, 1.55, 1.78},    {"h200", 1.73, 1.41, 1.74, 1.60, 1.37, 1.22, 1.59, 2.05},
      {"b200", 2.17, 1.95, 2.34, 2.90, 1.71, 1.73, 2.07, 2.60},    {"b300", 2.17, 2.34, 2.808, 3.48, 1.90, 2.26, 2.52, 3.00},
      {"gb200", 2.10, 2.21, 2.75, 3.30, 1.87, 1.86, 2.26, 2.60},   {"gb300", 2.10, 2.652, 3.30, 3.96, 2.12, 2.31, 2.79, 3.30},
      {"mi300x", 1.79, 1.12, 1.40, 1.55, 1.39, 0.95, 1.16, 1.30},  {"mi325x", 2.18, 1.28, 1.59, 1.80, 1.69, 1.10, 1.32, 1.60},
      {"mi355x", 2.65, 1.48, 1.90, 2.10, 2.09, 1.50, 2.09, 2.10},
  };
  for (const auto& r : rows) {
    CAPTURE(r.gpu);
    const accelerator_preset& a = *db.find(r.gpu);
    CHECK(a.power("2025-08")->value == r.kw25);
    CHECK(a.cost("2025-08", "hyperscaler")->value == r.h25);
    CHECK(a.cost("2025-08", "neocloud")->value == r.n25);
    CHECK(a.cost("2025-08", "rental")->value == r.r25);
    CHECK(a.power("2026-07")->value == r.kw26);
    CHECK(a.cost("2026-07", "hyperscaler")->value == r.h26);
    CHECK(a.cost("2026-07", "neocloud")->value == r.n26);
    CHECK(a.cost("2026-07", "rental")->value == r.r26);
    // and what pricing makes of them: the published tier and power, unchanged
    for (const char* vintage : {"2025-08", "2026-07"}) {
      const bool old = std::string_view(vintage) == "2025-08";
      const resolved_pricing n = resolved(pricing::preset(tier::neocloud, vintage), r.gpu);
      CHECK(n.usd_per_gpu_hour == (old ? r.n25 : r.n26));
      CHECK(n.kw_per_gpu == (old ? r.kw25 : r.kw26));
      CHECK(n.basis == (old ? power_basis::utility : power_basis::it));
    }
  }
}

TEST_CASE("presets: the August-2025 vintage equals the dashboard's constants file (shared data)") {
  const fs::path csv = fs::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax" / "inferencex_app_gpu_specs.csv";
  if (!fs::exists(csv)) {
    MESSAGE("shared InferenceMAX data not found; skipping");
    return;
  }
  std::ifstream f(csv);
  std::string line;
  std::getline(f, line);  // header: gpu,power,costh,costn,costr,note
  int rows = 0;
  while (std::getline(f, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    if (cells.size() < 5) continue;
    CAPTURE(line);
    const accelerator_preset* a = presets().find(cells[0]);
    REQUIRE(a);
    CHECK(a->power("2025-08")->value == std::stod(cells[1]));
    CHECK(a->cost("2025-08", "hyperscaler")->value == std::stod(cells[2]));
    CHECK(a->cost("2025-08", "neocloud")->value == std::stod(cells[3]));
    CHECK(a->cost("2025-08", "rental")->value == std::stod(cells[4]));
    ++rows;
  }
  CHECK(rows == 9);
}

TEST_CASE("presets: lookup by raw label, alias and vintage alias") {
  const preset_db& db = presets();
  CHECK(db.find("b200-trt")->key == "b200");
  CHECK(db.find("mi355x-amd_0")->key == "mi355x");
  CHECK(db.find("GB200 NVL72")->key == "gb200");
  CHECK(db.find("tpuv7")->key == "tpu7x");
  CHECK(db.find("rtx6000") == nullptr);
  CHECK(db.find("") == nullptr);
  CHECK(db.vintage("") == "2026-07");
  CHECK(db.vintage("aug2025") == "2025-08");
  CHECK(db.vintage("JUL2026") == "2026-07");
  CHECK(db.find_vintage("2024-01") == std::nullopt);
  CHECK(contains(error_of([&] { db.vintage("2024-01"); }), "field 'vintage': unknown vintage '2024-01' (known: 2025-08, 2026-07)"));
}

TEST_CASE("presets: strict validation names the offending field") {
  auto parse = [](const std::string& text) { return parse_presets(text, "p.json", true); };
  const std::string head = R"({"format": "inferlens-presets", "default_vintage": "v1", "vintages": [{"name": "v1"}], )";
  CHECK(contains(error_of([&] { parse(head + R"("accelerators": {"x": {"tdp_w": 700}}})"); }),
                 "p.json: field 'accelerators.x.tdp_w': expected {\"value\", \"source\", \"vintage\"}"));
  CHECK(contains(error_of([&] { parse(head + R"("accelerators": {"x": {"tdp_w": {"value": 700, "vintage": "v1"}}}})"); }),
                 "field 'accelerators.x.tdp_w.source': missing"));
  CHECK(contains(error_of([&] { parse(head + R"("accelerators": {"x": {"tdp_w": {"value": "7", "source": "s", "vintage": "v1"}}}})"); }),
                 "field 'accelerators.x.tdp_w.value': expected a number"));
  CHECK(contains(error_of([&] {
                   parse(head + R"("accelerators": {"x": {"kw_per_gpu": {"v1": {"value": 1, "source": "s", "vintage": "v1"}}}}})");
                 }),
                 "field 'accelerators.x.kw_per_gpu.v1.basis': missing"));
  CHECK(contains(error_of([&] {
                   parse(head + R"("accelerators": {"x": {"kw_per_gpu": {"v2": {"value": 1, "basis": "it", "source": "s", "vintage": "v2"}}}}})");
                 }),
                 "field 'accelerators.x.kw_per_gpu.v2': vintage not declared"));
  CHECK(contains(error_of([&] {
                   parse(head + R"("accelerators": {"x": {"kw_per_gpu": {"v1": {"value": 1, "basis": "dc", "source": "s", "vintage": "v1"}}}}})");
                 }),
                 "expected \"it\" or \"utility\", got \"dc\""));
  CHECK(contains(error_of([&] {
                   parse(head + R"("accelerators": {"x": {"kw_per_gpu": {"v1": {"value": 0, "basis": "it", "source": "s", "vintage": "v1"}}}}})");
                 }),
                 "field 'accelerators.x.kw_per_gpu.v1.value': must be > 0, got 0"));
  CHECK(contains(error_of([&] { parse(R"({"default_vintage": "v1"})"); }), "field 'format'"));
  const temp_file bad("bad.json", "{\"format\": \"inferlens-presets\",\n  \"vintages\": [,]}");
  CHECK(contains(error_of([&] { load_presets(bad.path); }), bad.path.string() + ": byte "));
  CHECK(contains(error_of([&] { load_presets("/nonexistent/presets.json"); }), "/nonexistent/presets.json: cannot open the file"));
}

TEST_CASE("presets: a user's overrides lay over the shipped values") {
  const temp_file user("user.json", R"({
    "accelerators": {
      "rtx6000": {"cost_usd_per_gpu_hour": {"hyperscaler": 0.9}, "kw_per_gpu": 0.75, "tdp_w": 600},
      "h100": {"cost_usd_per_gpu_hour": {"hyperscaler": {"value": 1.0, "source": "our contract"}},
               "capex_usd_per_gpu": 31000}
    },
    "defaults": {"usd_per_kwh": 0.05}
  })");
  auto db = std::make_shared<preset_db>(presets());
  merge_presets_file(*db, user.path);
  // a new accelerator, for every vintage
  for (const char* vintage : {"2025-08", "2026-07"}) {
    CHECK(db->find("rtx6000")->cost(vintage, "hyperscaler")->value == 0.9);
    CHECK(db->find("rtx6000")->power(vintage)->value == 0.75);
  }
  CHECK(contains(db->find("rtx6000")->cost("2026-07", "hyperscaler")->source, "user file"));
  // an override without a vintage replaces the value in every vintage, and keeps the rest
  CHECK(db->find("h100")->cost("2025-08", "hyperscaler")->value == 1.0);
  CHECK(db->find("h100")->cost("2026-07", "hyperscaler")->value == 1.0);
  CHECK(db->find("h100")->cost("2026-07", "hyperscaler")->source == "our contract");
  CHECK(db->find("h100")->cost("2026-07", "neocloud")->value == 1.55);
  CHECK(db->find("h100")->value("capex_usd_per_gpu")->value == 31000);
  CHECK(db->default_value("usd_per_kwh")->value == 0.05);
  CHECK(db->files.size() == 2);
  // the shipped presets are untouched; a pricing uses the merged ones when told to
  CHECK(presets().find("rtx6000") == nullptr);
  const resolved_pricing r = resolved(pricing().with_presets(db), "rtx6000");
  CHECK(r.usd_per_gpu_hour == 0.9);
  CHECK(r.kw_per_gpu == 0.75);
  CHECK(r.basis == power_basis::utility);  // a bare user figure is "all-in"
  CHECK_FALSE(pricing().resolve("rtx6000"));
}

TEST_CASE("presets: bad override files name the file and the key") {
  auto error_for = [](const std::string& name, const std::string& text) {
    const temp_file f(name, text);
    preset_db db = presets();
    const std::string e = error_of([&] { merge_presets_file(db, f.path); });
    CHECK(contains(e, f.path.string()));
    return e;
  };
  CHECK(contains(error_for("neg.json", R"({"accelerators": {"h100": {"cost_usd_per_gpu_hour": {"hyperscaler": -1}}}})"),
                 "field 'accelerators.h100.cost_usd_per_gpu_hour.hyperscaler': must be > 0, got -1"));
  CHECK(contains(error_for("zero.json", R"({"accelerators": {"h100": {"kw_per_gpu": 0}}})"),
                 "field 'accelerators.h100.kw_per_gpu': must be > 0, got 0"));
  CHECK(contains(error_for("obj.json", R"({"accelerators": {"h100": {"kw_per_gpu": {"2026-07": {"value": -2, "basis": "it"}}}}})"),
                 "field 'accelerators.h100.kw_per_gpu.2026-07.value': must be > 0, got -2"));
  CHECK(contains(error_for("pue.json", R"({"defaults": {"pue": 0.9}})"), "field 'defaults.pue': must be >= 1, got 0.9"));
  CHECK(contains(error_for("nan.json", R"({"defaults": {"usd_per_kwh": NaN}})"), "field 'defaults.usd_per_kwh': not a finite number"));
  const std::string overflow = error_for("big.json", R"({"accelerators": {"b200": {"tdp_w": {"value": 1e999}}}})");
  CHECK(contains(overflow, "field 'accelerators.b200.tdp_w.value'"));
  CHECK(contains(overflow, "overflows a double"));
  const std::string utf8 = error_for("utf8.json", "{\"accelerators\": {\"b200\": {\"name\": \"B\xff\"}}}");
  CHECK(contains(utf8, "field 'accelerators.b200.name'"));
  CHECK(contains(utf8, "invalid UTF-8"));
  CHECK(contains(error_for("text.json", R"({"accelerators": {"b200": {"tdp_w": "700"}}})"),
                 "field 'accelerators.b200.tdp_w': expected a number or an object with \"value\""));
}

TEST_CASE("tiers: names, InferenceX's keys and aliases") {
  CHECK(parse_tier("costh") == tier::hyperscaler);
  CHECK(parse_tier("Neocloud") == tier::neocloud);
  CHECK(parse_tier("costn") == tier::neocloud);
  CHECK(parse_tier(" costr ") == tier::rental);
  CHECK(parse_tier("3yr-rental") == tier::rental);
  CHECK(parse_tier("owned") == std::nullopt);
  CHECK(parse_tier("") == std::nullopt);
  for (tier t : {tier::hyperscaler, tier::neocloud, tier::rental}) CHECK(parse_tier(to_string(t)) == t);
}

TEST_CASE("pricing: published tiers of a vintage") {
  const resolved_pricing def = resolved(pricing(), "b200");  // hyperscaler tier, newest vintage, preset power
  CHECK(def.usd_per_gpu_hour == 1.73);
  CHECK(def.kw_per_gpu == 1.71);
  CHECK(def.basis == power_basis::it);
  CHECK(def.accelerator == "b200");
  CHECK(contains(def.cost_source, "2026-07"));
  CHECK(resolved(pricing::preset(tier::hyperscaler, "2025-08"), "b200-trt").usd_per_gpu_hour == 1.95);
  CHECK(resolved(pricing::preset(tier::neocloud), "b200").usd_per_gpu_hour == 2.07);
  CHECK(resolved(pricing::preset(tier::rental, "aug2025"), "B200").usd_per_gpu_hour == 2.90);
  const resolved_pricing gb = resolved(pricing::preset(tier::hyperscaler, "2025-08"), "GB200 NVL72");
  CHECK(gb.accelerator == "gb200");
  CHECK(gb.cost.vintage == "2025-08");
  CHECK(contains(gb.cost.source, "August 2025"));
  CHECK(gb.kw_per_gpu == 2.10);
  // a cost tier of one vintage with the power of another
  const pricing mixed(published_tier{tier::hyperscaler, "2025-08"}, preset_power{"2026-07", std::nullopt, std::nullopt});
  CHECK(resolved(mixed, "h100").usd_per_gpu_hour == 1.30);
  CHECK(resolved(mixed, "h100").kw_per_gpu == 1.37);
  CHECK(pricing::preset(tier::neocloud).describe() == "neocloud tier, presets 2026-07; preset power, presets 2026-07");
}

TEST_CASE("pricing: a fixed rate and power need no presets") {
  const resolved_pricing r = resolved(pricing::fixed(2.5, 1.2), "rtx6000");
  CHECK(r.usd_per_gpu_hour == 2.5);
  CHECK(r.kw_per_gpu == 1.2);
  CHECK(r.basis == power_basis::utility);
  CHECK(r.accelerator == "rtx6000");
  CHECK(r.cost.model == "given");
  CHECK_FALSE(pricing::fixed(2.5, 1.2).uses_presets());
  CHECK(pricing().uses_presets());
  // empty presets: nothing to look up, and nothing needed
  auto none = std::make_shared<preset_db>();
  CHECK(resolved(pricing::fixed(2.5, 1.2).with_presets(none), "").usd_per_gpu_hour == 2.5);
  // a fixed figure with a PUE gives the other basis: 2.17 kW utility / 1.25 = 1.736 kW IT
  const resolved_pricing p = resolved(pricing(fixed_rate{1.0}, fixed_power{2.17, power_basis::utility, 1.25}), "x");
  CHECK(*p.power.it_kw_per_gpu == doctest::Approx(1.736));
  CHECK(pricing::fixed(2.5, 1.2, power_basis::it).describe() == "$2.5/GPU-h given; 1.2 kW/GPU it given");
}

TEST_CASE("pricing: the owner's model from the presets and the defaults") {
  // H100: capex 39,625 (preset); IT 1.37 kW (2026-07 preset); PUE 1.25; $0.08/kWh; load 0.75; colo $184:
  // capital 39625 × 0.3154708 / 8760 = 1.427001; power 1.37 × 0.75 × 1.25 × 0.08 = 0.10275;
  // colocation 1.37 × 184 / 730 = 0.345315; total 1.875066
  const resolved_pricing r = resolved(pricing(owner_model{}), "h100");
  const double expected = 39625 * crf_10_4 / 8760 + 1.37 * 0.75 * 1.25 * 0.08 + 1.37 * 184 / 730.0;
  CHECK(r.usd_per_gpu_hour == doctest::Approx(expected).epsilon(1e-12));
  CHECK(r.usd_per_gpu_hour == doctest::Approx(1.875066).epsilon(1e-6));
  CHECK(r.cost.model == "owned");
  CHECK(contains(find_assumption(r.cost.assumptions, "capex_usd_per_gpu")->source, "Thinkmate"));
  CHECK(r.kw_per_gpu == 1.37);  // the power side is the preset's, on its basis

  SUBCASE("given values win, and are labelled") {
    owner_model m;
    m.cost_of_capital = 0.0;
    m.economic_life_years = 5;
    const resolved_pricing o = resolved(pricing(m), "h100");
    CHECK(o.cost.lines[0].value == doctest::Approx(39625.0 / 5 / 8760).epsilon(1e-12));
    CHECK(find_assumption(o.cost.assumptions, "cost_of_capital")->source == "given");
  }
  SUBCASE("the reference's H100 example, everything given") {
    // 35000 × CRF(10%, 4) / 8760 + 1.37 × 1 × 1.2 × 0.08 + 1.37 × 150 / 730
    owner_model m;
    m.capex_usd_per_gpu = 35000;
    m.it_kw_per_gpu = 1.37;
    m.pue = 1.2;
    m.load_factor = 1;
    m.colo_usd_per_kw_month = 150;
    CHECK(resolved(pricing(m), "h100").usd_per_gpu_hour ==
          doctest::Approx(35000 * crf_10_4 / 8760 + 1.37 * 1.2 * 0.08 + 1.37 * 150 / 730.0).epsilon(1e-12));
    // an accelerator without presets is fine when every per-accelerator value is given
    CHECK(resolved(pricing(m, fixed_power{1.37, power_basis::utility, std::nullopt}), "rtx6000").usd_per_gpu_hour == resolved(pricing(m), "h100").usd_per_gpu_hour);
  }
  SUBCASE("the utility-basis vintage divides by the PUE") {
    // 2025-08: 1.73 kW utility / PUE 1.25 = 1.384 kW IT
    owner_model m;
    m.vintage = "2025-08";
    const resolved_pricing r2 = resolved(pricing(m), "h100");
    const assumption* it = find_assumption(r2.cost.assumptions, "it_kw_per_gpu");
    CHECK(it->value == doctest::Approx(1.384));
    CHECK(contains(it->source, "[derived]"));
  }
  SUBCASE("set_parameter by key") {
    owner_model m;
    CHECK(set_parameter(m, "capex_usd_per_gpu", 30000));
    CHECK(m.capex_usd_per_gpu == 30000);
    CHECK_FALSE(set_parameter(m, "tdp_w", 700));
    component_power_model c;
    CHECK(set_parameter(c, "tdp_w", 700));
    CHECK(c.tdp_w == 700);
  }
}

TEST_CASE("pricing: the renter's model on the rental tier") {
  // B200 2026-07 rental $2.60 × (0.75 + 0.25 × 3 × CRF(10%, 3)) = 2.734124
  CHECK(resolved(pricing(renter_model{}), "b200").usd_per_gpu_hour == doctest::Approx(2.60 * (0.75 + 0.25 * 3 * crf_10_3)).epsilon(1e-12));
  // 2025-08 rental $2.90
  renter_model old;
  old.vintage = "2025-08";
  CHECK(resolved(pricing(old), "b200").usd_per_gpu_hour == doctest::Approx(2.90 * (0.75 + 0.25 * 3 * crf_10_3)).epsilon(1e-12));
  renter_model given;
  given.contract_usd_per_gpu_hour = 2.0;
  given.upfront_fraction = 0.0;
  CHECK(resolved(pricing(given), "b200").usd_per_gpu_hour == 2.0);
  CHECK(contains(reason(pricing(renter_model{}), "rtx6000"), "no preset for accelerator 'rtx6000'"));
}

TEST_CASE("pricing: preset power converted, components, given") {
  // 1.71 kW IT × PUE 1.25 = 2.1375 kW utility
  const resolved_pricing util = resolved(pricing(published_tier{}, preset_power{"", power_basis::utility, std::nullopt}), "b200");
  CHECK(util.kw_per_gpu == doctest::Approx(2.1375));
  CHECK(util.basis == power_basis::utility);
  CHECK(*util.power.it_kw_per_gpu == 1.71);
  CHECK(*util.power.facility_kw_per_gpu == doctest::Approx(0.4275));
  // 2.17 kW utility / PUE 1.4 = 1.55 kW IT
  CHECK(resolved(pricing(published_tier{}, preset_power{"2025-08", power_basis::it, 1.4}), "b200").kw_per_gpu == doctest::Approx(1.55));
  // as published: no conversion
  CHECK(resolved(pricing(published_tier{}, preset_power{"2025-08", std::nullopt, std::nullopt}), "b200").kw_per_gpu == 2.17);
  // components: TDP 1000 W + host 14.3 kW / 8 − 1000 W = 787.5 W + switch 95 W = 1.8825 kW IT; × 1.25 = 2.353125 kW
  const resolved_pricing comp = resolved(pricing(published_tier{}, component_power_model{}), "b200");
  CHECK(*comp.power.it_kw_per_gpu == doctest::Approx(1.8825));
  CHECK(comp.kw_per_gpu == doctest::Approx(2.353125));
  component_power_model c;
  c.host_w_per_gpu = 500;
  c.switch_w_per_gpu = 0;
  c.pue = 1.1;
  CHECK(resolved(pricing(published_tier{}, c), "b200").kw_per_gpu == doctest::Approx(1.65));  // (1000 + 500) W × 1.1
  c.basis = power_basis::it;
  CHECK(resolved(pricing(published_tier{}, c), "b200").kw_per_gpu == doctest::Approx(1.5));
}

TEST_CASE("pricing: what one accelerator lacks is a reason, never an exception") {
  const std::string no_preset = reason(pricing(), "rtx6000");
  CHECK(contains(no_preset,
                 "no preset for accelerator 'rtx6000' (presets: b200, b300, gb200, gb300, h100, h200, mi300x, mi325x, mi355x, tpu7x, "
                 "vr200): price it with a fixed rate"));
  CHECK_FALSE(contains(no_preset, "--"));
  CHECK(pricing().resolve("rtx6000").field == "accelerator");
  CHECK(contains(reason(pricing(), ""), "no accelerator to look up in the presets"));
  // a fixed rate still needs the power from the presets
  CHECK(contains(reason(pricing(fixed_rate{2.5}), "rtx6000"), "give its power"));
  CHECK(contains(reason(pricing::preset(tier::neocloud), "tpu7x"),
                 "no 'neocloud' cost for tpu7x in vintage 2026-07 (tiers there: hyperscaler, rental"));
  CHECK(pricing::preset(tier::neocloud).resolve("tpu7x").field == "tier");
  CHECK(contains(reason(pricing::preset(tier::hyperscaler, "2025-08"), "tpu7x"), "vintages with costs: 2026-07"));
  CHECK(contains(reason(pricing(fixed_rate{1.0}, preset_power{"2025-08", std::nullopt, std::nullopt}), "vr200"),
                 "no power figure for vr200 in vintage 2025-08 (vintages with one: 2026-07)"));
  const pricing_result capex = pricing(owner_model{}).resolve("b200");
  CHECK(capex.field == "capex_usd_per_gpu");
  CHECK(capex.reason == "no value given and none in the presets for 'b200'");
  CHECK(contains(reason(pricing(owner_model{}, component_power_model{}), "mi355x"), "no value given and none in the presets"));
  CHECK(pricing(published_tier{}, component_power_model{}).resolve("mi355x").field == "host_w_per_gpu");
  // the others still price
  CHECK(pricing(owner_model{}).resolve("h100"));
  CHECK_THROWS_AS((void)*pricing().resolve("rtx6000"), std::bad_optional_access);
}

TEST_CASE("pricing: validate() rejects given values out of range, naming the field") {
  auto invalid = [](const pricing& p) {
    const std::string v = error_of([&] { p.validate(); });
    CHECK(error_of([&] { (void)p.resolve("b200"); }) == v);  // resolve applies the same checks
    return v;
  };
  CHECK(contains(invalid(pricing::fixed(-1.5, 1.0)), "field 'usd_per_gpu_hour': must be > 0, got -1.5"));
  CHECK(contains(invalid(pricing::fixed(0, 1.0)), "must be > 0, got 0"));
  CHECK(contains(invalid(pricing::fixed(k_nan, 1.0)), "field 'usd_per_gpu_hour': missing value"));
  CHECK(contains(invalid(pricing::fixed(1.0, std::numeric_limits<double>::infinity())), "field 'kw_per_gpu': must be > 0, got inf"));
  owner_model m;
  m.pue = 0.9;
  CHECK(contains(invalid(pricing(m)), "field 'pue': must be >= 1, got 0.9"));
  m.pue.reset();
  m.cost_of_capital = k_nan;
  CHECK(contains(invalid(pricing(m)), "field 'cost_of_capital': must be >= 0, got nan"));
  renter_model r;
  r.upfront_fraction = 1.5;
  CHECK(contains(invalid(pricing(r)), "field 'upfront_fraction': must be >= 0 and <= 1, got 1.5"));
  component_power_model c;
  c.tdp_w = -700;
  CHECK(contains(invalid(pricing(published_tier{}, c)), "field 'tdp_w': must be > 0, got -700"));
  CHECK(contains(invalid(pricing(published_tier{}, preset_power{"", std::nullopt, 0.5})), "field 'pue'"));
  CHECK(contains(invalid(pricing::preset(tier::neocloud, "1999")), "field 'vintage': unknown vintage '1999' (known: 2025-08, 2026-07)"));
  owner_model v;
  v.vintage = "2030";
  CHECK(contains(invalid(pricing(v)), "unknown vintage '2030'"));
  CHECK_NOTHROW(pricing::preset(tier::rental, "aug2025").validate());
  CHECK_NOTHROW(pricing(owner_model{}, component_power_model{}).validate());
}

TEST_CASE("pricing: a value, copied and compared by its parts") {
  pricing a = pricing::preset(tier::neocloud, "2025-08");
  const pricing b = a;
  CHECK(std::get<published_tier>(b.cost()).level == tier::neocloud);
  CHECK(std::get<preset_power>(b.power()).vintage == "2025-08");
  CHECK(&b.presets() == &shipped_presets());
  auto db = std::make_shared<preset_db>(shipped_presets());
  a.with_presets(db);
  CHECK(&a.presets() == db.get());
  CHECK(&b.presets() == &shipped_presets());
  CHECK(&a.with_presets(nullptr).presets() == &shipped_presets());
}

TEST_CASE("breakdowns serialise to JSON with their sources") {
  nlohmann::json j = resolved(pricing(owner_model{}), "h100").cost;
  CHECK(j.at("model") == "owned");
  CHECK(j.at("lines").size() == 5);
  CHECK(j.at("assumptions").size() == 14);
  nlohmann::json p = resolved(pricing(), "gb200").power;
  CHECK(p.at("basis") == "it");
  CHECK(p.at("kw_per_gpu") == 1.87);
  CHECK(p.at("utility_kw_per_gpu").is_null());
  nlohmann::json r = resolved(pricing(), "gb200");
  CHECK(r.at("usd_per_gpu_hour") == 1.86);
  CHECK(r.at("accelerator") == "gb200");
}
