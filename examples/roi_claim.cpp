// Which assumptions does "a $5M GB200 NVL72 system generates $75M of token revenue, a 15x
// return" need, and how sensitive is it to price, utilisation and interactivity?
//
// The claim (NVIDIA, at the InferenceMAX v1 launch, Oct 2025) fixes only two numbers: $5M in,
// $75M out. Token revenue is GPUs × tokens/s/GPU × utilisation × seconds × price per token, so
// the claim is a statement about the product of an operating point, a horizon, a utilisation
// and a price. This program takes a published operating curve and shows what each of the others
// has to be.
//
// Operating points: DeepSeek-R1-0528 FP4, 1k in / 1k out, Dynamo-TRT with MTP, disaggregated on
// GB200 NVL72 — the three GB200 points of the InferenceX post "GB200 NVL72 vs B200, disaggregated
// DeepSeek-R1 FP4" (2026-05-22; tok/s per GPU over prefill + decode GPUs, interactivity =
// 1 / TPOT). Market price: Crusoe's DeepSeek-R1 list price on OpenRouter, $1.35 per million input
// and $5.40 per million output tokens, as quoted in the InferenceX v2 post.
#include <cstdio>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include <inferlens/curves.hpp>
#include <inferlens/economics.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/site.hpp>

namespace il = inferlens;

namespace {

constexpr double investment_usd = 5e6;
constexpr double claimed_revenue_usd = 75e6;
constexpr double gpus = 72;                 // one NVL72 rack
constexpr double output_share = 0.5;         // 1k in / 1k out
constexpr double crusoe_input = 1.35, crusoe_output = 5.40;

// GB200 at InferenceX's July-2026 figures: 1.87 kW IT ("All-In (W)") per GPU.
const il::resolved_pricing& gb200() {
  static const il::resolved_pricing p = *il::pricing::preset(il::tier::hyperscaler).resolve("gb200");
  return p;
}

il::site_result site(double tput, double price, double utilization, double years, double opex = 0) {
  il::site_inputs in;
  in.gpus = gpus;
  in.investment_usd = investment_usd;
  in.kw_per_gpu = gb200().kw_per_gpu;
  in.tok_per_s_per_gpu = tput;
  in.price_usd_per_mtok = price;
  in.utilization = utilization;
  in.horizon_years = years;
  in.opex_usd_per_gpu_hour = opex;
  return il::site_economics(in);
}

}  // namespace

int main() {
  // (interactivity tok/s/user, tok/s/GPU) on GB200 NVL72, from the post's table
  const il::curve frontier({17.82, 90.99, 164.37}, {14659.4, 7698.0, 1149.1});
  const double target_interactivity = 75;
  const double tput = *frontier.y_at(target_interactivity);
  const double market_price = *il::blended_price_usd_per_mtok(crusoe_input, crusoe_output, output_share);

  fmt::print("Claim: a ${:.0f}M GB200 NVL72 system generates ${:.0f}M of token revenue, a {:.0f}x return.\n\n", investment_usd / 1e6,
             claimed_revenue_usd / 1e6, claimed_revenue_usd / investment_usd);
  fmt::print("Fixed by the claim:  investment ${:.0f}M for {:.0f} GPUs (${:.0f} per GPU), revenue ${:.0f}M.\n", investment_usd / 1e6, gpus,
             investment_usd / gpus, claimed_revenue_usd / 1e6);
  fmt::print("Assumed here:        DeepSeek-R1 FP4 1k/1k on Dynamo-TRT + MTP; at {:.0f} tok/s/user the published frontier\n"
             "                     gives {:.0f} tok/s/GPU (Steffen interpolation between the post's points).\n",
             target_interactivity, tput);
  fmt::print("Market reference:    ${:.2f}/M input, ${:.2f}/M output = ${:.3f}/M tokens blended at 1k/1k.\n\n", crusoe_input,
             crusoe_output, market_price);

  // 1. The price per million tokens that makes it 15x, by horizon and utilisation.
  fmt::print("1. Price per million tokens (all tokens) needed for $75M, at {:.0f} tok/s/user:\n", target_interactivity);
  const std::vector<double> utilizations = {1.0, 0.7, 0.5, 0.3};
  fmt::print("   {:<10}", "horizon");
  for (double u : utilizations) fmt::print("{:>12}", fmt::format("{:.0f}% busy", 100 * u));
  fmt::print("\n");
  for (double years : {1.0, 2.0, 3.0, 4.0, 5.0}) {
    fmt::print("   {:<10}", fmt::format("{:.0f} year{}", years, years > 1 ? "s" : ""));
    for (double u : utilizations) fmt::print("{:>12}", fmt::format("${:.3f}", *il::price_for_revenue_multiple(site(tput, 1, u, years), 15)));
    fmt::print("\n");
  }
  const double needed_4y = *il::price_for_revenue_multiple(site(tput, 1, 1, 4), 15);
  fmt::print("   At the 4-year economic life, every hour busy, it needs ${:.3f}/M tokens: {:.0f}% of the market price.\n"
             "   Anything that lowers tokens sold (idle hours, a shorter life, a higher interactivity) raises it.\n\n",
             needed_4y, 100 * needed_4y / market_price);

  // 2. Sensitivity of the multiple to price and utilisation, over 4 years.
  fmt::print("2. Revenue / investment over 4 years at {:.0f} tok/s/user, by price and utilisation:\n", target_interactivity);
  fmt::print("   {:<10}", "$/Mtok");
  for (double u : utilizations) fmt::print("{:>12}", fmt::format("{:.0f}% busy", 100 * u));
  fmt::print("\n");
  for (double price : {0.25, 0.5, 1.0, 2.0, market_price}) {
    fmt::print("   {:<10}", fmt::format("${:.3g}", price));
    for (double u : utilizations) fmt::print("{:>12}", fmt::format("{:.1f}x", *site(tput, price, u, 4).revenue_multiple));
    fmt::print("\n");
  }
  fmt::print("\n");

  // 3. Interactivity: the same rack sells fewer tokens when each user gets them faster.
  fmt::print("3. By interactivity, at ${:.2f}/M tokens (market), 4 years, 70% busy:\n", market_price);
  fmt::print("   {:>10} {:>11} {:>14} {:>9} {:>16}\n", "tok/s/user", "tok/s/GPU", "revenue", "multiple", "price for 15x");
  for (double x : {20.0, 50.0, 75.0, 100.0, 125.0, 150.0}) {
    const auto t = frontier.y_at(x);
    if (!t) continue;
    const auto r = site(*t, market_price, 0.7, 4);
    fmt::print("   {:>10.0f} {:>11.0f} {:>14} {:>8.1f}x {:>16}\n", x, *t, fmt::format("${:.1f}M", r.revenue_usd_over_horizon / 1e6),
               *r.revenue_multiple, fmt::format("${:.3f}", *il::price_for_revenue_multiple(r, 15)));
  }
  fmt::print("\n");

  // 4. Revenue is not return: the running costs and the rest of the site. The owner's model with
  // the claim's capex and the presets' defaults: power 1.87 kW × 0.75 load × PUE 1.25 × $0.08/kWh
  // + colocation 1.87 kW × $184/kW-month / 730 h.
  il::owner_model owner;
  owner.capex_usd_per_gpu = investment_usd / gpus;
  const double opex = *il::running_costs_usd_per_gpu_hour(il::pricing(owner).resolve("gb200")->cost);
  const auto with_costs = site(tput, needed_4y, 1.0, 4, opex);
  fmt::print("4. At ${:.3f}/M, 4 years, every hour busy: revenue ${:.1f}M (15x). Power and colocation at ${:.3f}/GPU-h\n"
             "   cost ${:.2f}M over the 4 years, so the net return is {:.1f}x; payback {:.2f} years. Published rack prices\n"
             "   run from $3.3M (compute only, InferenceX v2 post) to $5.9M with its share of the facility (Bernstein).\n\n",
             needed_4y, with_costs.revenue_usd_over_horizon / 1e6, opex, with_costs.opex_usd_per_year * 4 / 1e6,
             (with_costs.revenue_usd_over_horizon - with_costs.opex_usd_per_year * 4) / investment_usd, *with_costs.payback_years);

  fmt::print("So \"$5M -> $75M\" holds for, e.g.: {:.0f} tok/s/user, every hour sold for 4 years at ${:.2f}/M tokens;\n"
             "or 70% busy at ${:.2f}/M; or 50% busy over 3 years at ${:.2f}/M. It counts revenue, not profit.\n",
             target_interactivity, needed_4y, *il::price_for_revenue_multiple(site(tput, 1, 0.7, 4), 15),
             *il::price_for_revenue_multiple(site(tput, 1, 0.5, 3), 15));
  return 0;
}
