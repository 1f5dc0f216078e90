// Fuzzes the preset and override parser (tco.hpp: --presets strict, --overrides lenient) and what
// the CLI does with a parsed file: lay it over the shipped presets and price every accelerator
// with every published tier and with the owned, rented and component models.
// Properties: an error is an input_error naming the file; a price that resolves is finite and
// > 0 (a cost, kW per GPU), so no override can produce a negative or infinite $/Mtok.
#include <cmath>
#include <memory>
#include <string>
#include <string_view>

#include <inferlens/pricing.hpp>
#include <inferlens/tco.hpp>

#include "fuzz.hpp"

namespace {

using namespace inferlens;

constexpr std::string_view origin = "fuzz-overrides.json";

void price_all(const std::shared_ptr<const preset_db>& db) {
  pricing models[] = {pricing::preset(tier::hyperscaler), pricing::preset(tier::neocloud), pricing::preset(tier::rental),
                      pricing(owner_model{}, component_power_model{}), pricing(renter_model{}, preset_power{})};
  for (pricing& p : models) {
    p.with_presets(db);
    for (const auto& [key, acc] : db->accelerators) {
      pricing_result r;
      try {
        r = p.resolve(key);
      } catch (const input_error& e) {
        fuzz::check(false, "resolving a parsed preset never throws", e.what());
      }
      if (!r) continue;
      fuzz::check(std::isfinite(r->usd_per_gpu_hour) && r->usd_per_gpu_hour > 0, "a resolved cost is finite and > 0",
                  key + ": " + std::to_string(r->usd_per_gpu_hour));
      fuzz::check(std::isfinite(r->kw_per_gpu) && r->kw_per_gpu > 0, "a resolved power is finite and > 0",
                  key + ": " + std::to_string(r->kw_per_gpu));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (std::size_t{1} << 18)) return -1;
  const std::string_view text = fuzz::text(data, size);
  for (const bool strict : {true, false}) {
    try {
      const preset_db parsed = parse_presets(text, std::string(origin), strict);
      auto merged = std::make_shared<preset_db>(shipped_presets());
      merge_presets(*merged, parsed);
      price_all(merged);
      if (strict) price_all(std::make_shared<const preset_db>(parsed));
    } catch (const input_error& e) {
      fuzz::check_named(e, origin);
    }
  }
  return 0;
}
