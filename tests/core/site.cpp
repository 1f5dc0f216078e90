// The site and ROI view on hand calculations: sizing by MW, GPUs or investment; tokens,
// revenue, TCO and margin; revenue multiple, ROI and payback; the price a claimed multiple
// needs; linearity properties; and the errors bad inputs get.
#include <doctest/doctest.h>

#include <inferlens/error.hpp>
#include <inferlens/json.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/site.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <random>
#include <string>

namespace {

using namespace inferlens;

double value(std::optional<double> v) {
  REQUIRE(v.has_value());
  return *v;
}

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

site_inputs one_megawatt() {
  site_inputs in;
  in.site_mw = 1;
  in.kw_per_gpu = 2.0;
  in.usd_per_gpu_hour = 2.0;
  in.tok_per_s_per_gpu = 1000;
  in.price_usd_per_mtok = 1.0;
  in.utilization = 0.5;
  in.horizon_years = 4;
  return in;
}

}  // namespace

TEST_CASE("site: 1 MW at 2 kW/GPU, the cost view") {
  const site_result r = site_economics(one_megawatt());
  CHECK(r.gpus == 500);                // floor(1 × 1000 / 2.0)
  CHECK(r.provisioned_mw == 1.0);      // 500 × 2.0 / 1000
  CHECK(r.tokens_per_second == 250000);  // 500 × 1000 × 0.5
  CHECK(r.tokens_per_day == 250000.0 * 86400);    // 2.16e10
  CHECK(r.tokens_per_year == 250000.0 * 86400 * 365);  // 7.884e12
  CHECK(r.revenue_usd_per_year == doctest::Approx(7.884e6));  // 7.884e12 / 1e6 × $1
  CHECK(value(r.tco_usd_per_year) == doctest::Approx(8.76e6));  // 500 × $2 × 8760
  CHECK(value(r.profit_usd_per_year) == doctest::Approx(-876000));
  CHECK(value(r.margin) == doctest::Approx(-876000 / 7.884e6));
  // TCO per delivered Mtok: $2 / (1000 × 0.5 × 3600 / 1e6) = 2 / 1.8 = 1.1111, equal to the breakeven price
  CHECK(value(r.tco_usd_per_mtok) == doctest::Approx(2.0 / 1.8));
  CHECK(value(r.breakeven_price_usd_per_mtok) == doctest::Approx(2.0 / 1.8));
  CHECK_FALSE(r.investment_usd);
  CHECK_FALSE(r.revenue_multiple);
  CHECK_FALSE(r.payback_years);
  CHECK(r.assumptions.size() == 8);  // MW, kW, TCO rate, opex, throughput, price, utilization, horizon
}

TEST_CASE("site: GPUs that fit are whole, as InferenceX's fleet planner") {
  site_inputs in = one_megawatt();
  in.site_mw = 100;
  in.kw_per_gpu = 1.87;
  // 100,000 kW / 1.87 = 53,475.9 → 53,475 GPUs
  CHECK(site_economics(in).gpus == 53475);
  CHECK(site_economics(in).provisioned_mw == doctest::Approx(53475 * 1.87 / 1000));
}

TEST_CASE("site: the investment view of a $5M, 72-GPU system") {
  // 72 GPUs for $5M (capex 69,444/GPU); 7,698 tok/s/GPU; $1/Mtok; all hours; 4 years; no opex:
  // tokens/yr = 72 × 7698 × 86400 × 365 = 1.74790e13 → revenue $17.479M/yr, $69.916M in 4 years,
  // 13.98× the investment; payback 5e6 / 17.479e6 = 0.286 years
  site_inputs in;
  in.gpus = 72;
  in.investment_usd = 5e6;
  in.kw_per_gpu = 1.87;
  in.tok_per_s_per_gpu = 7698;
  in.price_usd_per_mtok = 1.0;
  in.horizon_years = 4;
  const site_result r = site_economics(in);
  const double tokens_per_year = 72.0 * 7698 * 86400 * 365;
  CHECK(value(r.capex_usd_per_gpu) == doctest::Approx(5e6 / 72));
  CHECK(value(r.investment_usd) == 5e6);
  CHECK(r.revenue_usd_per_year == doctest::Approx(tokens_per_year / 1e6));
  CHECK(r.revenue_usd_per_year == doctest::Approx(17.479e6).epsilon(1e-4));
  CHECK(value(r.revenue_multiple) == doctest::Approx(4 * tokens_per_year / 1e6 / 5e6));
  CHECK(value(r.revenue_multiple) == doctest::Approx(13.98).epsilon(1e-3));
  CHECK(value(r.roi) == doctest::Approx(value(r.revenue_multiple) - 1));
  CHECK(value(r.payback_years) == doctest::Approx(5e6 / (tokens_per_year / 1e6)));
  CHECK(r.provisioned_mw == doctest::Approx(72 * 1.87 / 1000));
  // the price that makes it 15×: 15 × 5e6 / (4 × 1.74790e7 Mtok) = $1.0727/Mtok
  CHECK(value(price_for_revenue_multiple(r, 15)) == doctest::Approx(75e6 / (4 * tokens_per_year / 1e6)));
  CHECK(value(price_for_revenue_multiple(r, 15)) == doctest::Approx(1.0727).epsilon(1e-4));

  SUBCASE("running costs reduce ROI and lengthen payback") {
    in.opex_usd_per_gpu_hour = 0.6;  // 72 × 0.6 × 8760 = $378,432 a year
    const site_result o = site_economics(in);
    CHECK(o.opex_usd_per_year == doctest::Approx(378432));
    CHECK(value(o.roi) == doctest::Approx((4 * (tokens_per_year / 1e6 - 378432) - 5e6) / 5e6));
    CHECK(value(o.payback_years) == doctest::Approx(5e6 / (tokens_per_year / 1e6 - 378432)));
    // breakeven: (5e6 / 4 + 378,432) / 17.479e6 Mtok = $0.09316
    CHECK(value(o.investment_breakeven_price_usd_per_mtok) == doctest::Approx((5e6 / 4 + 378432) / (tokens_per_year / 1e6)));
  }
  SUBCASE("no payback when the running costs exceed the revenue") {
    in.price_usd_per_mtok = 0.001;
    in.opex_usd_per_gpu_hour = 1.0;
    CHECK_FALSE(site_economics(in).payback_years);
    CHECK(value(site_economics(in).roi) < -1);
  }
}

TEST_CASE("site: sizing by investment and capex per GPU") {
  // $10M / $45,833 per GPU = 218.2 → 218 GPUs, investment 218 × 45,833
  site_inputs in;
  in.investment_usd = 10e6;
  in.capex_usd_per_gpu = 45833;
  in.kw_per_gpu = 1.87;
  in.tok_per_s_per_gpu = 5000;
  in.price_usd_per_mtok = 0.5;
  const site_result r = site_economics(in);
  CHECK(r.gpus == 218);
  CHECK(value(r.investment_usd) == 218 * 45833.0);
}

TEST_CASE("site: properties — revenue is linear in price and utilization, GPUs grow with MW") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0.05, 1.0), p(0.01, 10.0), mw(0.1, 500.0);
  for (int i = 0; i < 200; ++i) {
    site_inputs in = one_megawatt();
    in.site_mw = mw(rng);
    in.utilization = u(rng);
    in.price_usd_per_mtok = p(rng);
    const site_result a = site_economics(in);
    site_inputs twice = in;
    twice.price_usd_per_mtok *= 2;
    CHECK(site_economics(twice).revenue_usd_per_year == doctest::Approx(2 * a.revenue_usd_per_year));
    site_inputs half = in;
    half.utilization /= 2;
    CHECK(site_economics(half).revenue_usd_per_year == doctest::Approx(a.revenue_usd_per_year / 2));
    site_inputs bigger = in;
    bigger.site_mw = *in.site_mw * 1.5;
    CHECK(site_economics(bigger).gpus >= a.gpus);
    // the cost view's breakeven price is the TCO per delivered Mtok
    CHECK(value(a.breakeven_price_usd_per_mtok) == doctest::Approx(value(a.tco_usd_per_mtok)));
  }
}

TEST_CASE("site: blended price") {
  // 1k/8k workload, 8/9 of tokens are output: $0.55 × 1/9 + $2.19 × 8/9 = 0.06111 + 1.94667 = 2.00778
  CHECK(value(blended_price_usd_per_mtok(0.55, 2.19, 8.0 / 9)) == doctest::Approx(0.55 / 9 + 2.19 * 8 / 9));
  CHECK_FALSE(blended_price_usd_per_mtok(0.55, 2.19, 1.5));
  CHECK_FALSE(blended_price_usd_per_mtok(-1, 2.19, 0.5));
}

TEST_CASE("site: bad inputs name the field") {
  site_inputs in = one_megawatt();
  in.site_mw.reset();
  CHECK(contains(error_of([&] { site_economics(in); }), "field 'site': give the site size"));
  in.site_mw = 1;
  in.gpus = 10;
  CHECK(contains(error_of([&] { site_economics(in); }), "give one site size"));
  in = one_megawatt();
  in.tok_per_s_per_gpu = 0;
  CHECK(contains(error_of([&] { site_economics(in); }), "field 'tok_per_s_per_gpu': must be > 0, got 0"));
  in.tok_per_s_per_gpu = -5;
  CHECK(contains(error_of([&] { site_economics(in); }), "'tok_per_s_per_gpu': must be > 0, got -5"));
  in = one_megawatt();
  in.price_usd_per_mtok = std::nan("");
  CHECK(contains(error_of([&] { site_economics(in); }), "field 'price_usd_per_mtok': missing value"));
  in = one_megawatt();
  in.utilization = 1.5;
  CHECK(contains(error_of([&] { site_economics(in); }), "'utilization': must be > 0 and <= 1, got 1.5"));
  in = one_megawatt();
  in.site_mw = 0.001;
  CHECK(contains(error_of([&] { site_economics(in); }), "does not hold one GPU"));
  in = one_megawatt();
  in.site_mw.reset();
  in.investment_usd = 1e6;
  CHECK(contains(error_of([&] { site_economics(in); }), "'capex_usd_per_gpu': sizing by investment needs the capex per GPU"));
  in.investment_usd.reset();
  in.gpus = 7.5;
  CHECK(contains(error_of([&] { site_economics(in); }), "'gpus': must be a whole number"));
  in = one_megawatt();
  in.site_mw.reset();
  in.gpus = 8;
  in.investment_usd = 1e6;
  in.capex_usd_per_gpu = 1e5;
  CHECK(contains(error_of([&] { site_economics(in); }), "not all three"));
}

TEST_CASE("site: the running costs of an owner's model, without its capital") {
  // H100 owned, 2026-07 defaults: power 1.37 × 0.75 × 1.25 × 0.08 = 0.10275; colocation
  // 1.37 × 184 / 730 = 0.345315; maintenance and other 0
  const pricing_result r = pricing(owner_model{}).resolve("h100");
  REQUIRE(r);
  CHECK(value(running_costs_usd_per_gpu_hour(r->cost)) == doctest::Approx(1.37 * 0.75 * 1.25 * 0.08 + 1.37 * 184 / 730.0).epsilon(1e-12));
  // with unsold hours the uplift is not a running cost either
  owner_model m;
  m.availability = 0.5;
  CHECK(value(running_costs_usd_per_gpu_hour(pricing(m).resolve("h100")->cost)) == doctest::Approx(value(running_costs_usd_per_gpu_hour(r->cost))));
  CHECK_FALSE(running_costs_usd_per_gpu_hour(pricing().resolve("h100")->cost));  // a tier has none apart
}

TEST_CASE("site: JSON output") {
  nlohmann::json j = site_economics(one_megawatt());
  CHECK(j.at("gpus") == 500);
  CHECK(j.at("investment_usd").is_null());
  CHECK(j.at("assumptions").size() == 8);
}
