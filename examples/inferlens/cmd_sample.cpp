// `inferlens sample`: writes a small SYNTHETIC result set (no real hardware behind it) so the
// pipeline can be tried with nothing else installed. Every point says it is synthetic in its
// model, framework and image fields.
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <inferlens/record.hpp>
#include <inferlens/table.hpp>
#include <inferlens/write.hpp>

#include "commands.hpp"

namespace inferlens::cli {
namespace {

// A toy roofline: a decode step costs base + per-sequence work, tensor parallelism divides the
// step time sub-linearly, and prefill adds a per-token cost. Enough to draw a plausible
// throughput–interactivity trade-off; not a prediction of any real system.
std::vector<benchmark_point> synthetic_points() {
  struct system {
    const char* hw;
    double step_base_s, per_seq_s, prefill_s_per_token;
  };
  const system systems[] = {{"synth1", 0.010, 0.00020, 0.00004}, {"synth2", 0.006, 0.00012, 0.00003}};
  const std::int64_t isl = 1024, osl = 1024;
  std::vector<benchmark_point> out;
  for (const auto& s : systems)
    for (std::int64_t tp : {1, 2, 4, 8})
      for (std::int64_t conc = 1; conc <= 256; conc *= 2) {
        const double speedup = std::pow(static_cast<double>(tp), 0.75);
        const double tpot = (s.step_base_s + s.per_seq_s * static_cast<double>(conc)) / speedup;
        const double ttft = s.prefill_s_per_token * static_cast<double>(isl) * (1.0 + static_cast<double>(conc) / 16.0) / speedup;
        const double e2el = ttft + tpot * static_cast<double>(osl - 1);
        const double requests_per_s = static_cast<double>(conc) / e2el;
        benchmark_point p;
        p.model = "synthetic/demo-model";
        p.framework = "synthetic";
        p.image = "inferlens-sample (synthetic data)";
        p.hw = s.hw;
        p.precision = "fp8";
        p.spec_decoding = "none";
        p.isl = isl;
        p.osl = osl;
        p.concurrency = conc;
        p.num_prompts = 10 * conc;
        p.completed = 10 * conc;
        p.tp = tp;
        p.request_throughput = requests_per_s;
        p.output_throughput = requests_per_s * static_cast<double>(osl);
        p.total_token_throughput = requests_per_s * static_cast<double>(isl + osl);
        p.ttft.median = p.ttft.mean = ttft;
        p.tpot.median = p.tpot.mean = tpot;
        p.itl.median = p.itl.mean = tpot;
        p.e2el.median = p.e2el.mean = e2el;
        p.run = "synthetic";
        derive(p);
        out.push_back(std::move(p));
      }
  return out;
}

}  // namespace

void add_sample_command(CLI::App& app) {
  auto out_path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "sample", "Write a small SYNTHETIC result set (two made-up accelerators synth1 and synth2, TP 1-8, concurrency 1-256)\n"
                "in inferlens JSON, for trying the tools without real results.");
  cmd->add_option("-o,--out", *out_path, "output file (default: standard output)");
  cmd->callback([out_path] {
    const result_table points(synthetic_points());
    if (out_path->empty()) {
      std::cout << to_json_text(points);
      return;
    }
    write_file(*out_path, to_json_text(points));
    std::cerr << "wrote " << points.size() << " synthetic points to " << *out_path << '\n';
  });
}

}  // namespace inferlens::cli
