// What a sweep measured, as the report's data: per point the row written for it, its latency
// samples (TTFT, TPOT, ITL, E2EL, as vLLM defines them) and its timeline (requests in flight and
// output tokens/s), from which inferlens::bench_report_html() makes one self-contained page.
// run_sweep() writes that page as DIR/report.html after every point (sweep.hpp); these pieces
// let a caller build it from its own runs too:
//
//   const lg::run_result rr = lg::run(client, plan);
//   const lg::run_summary s = lg::aggregate(rr.records, rr.start, rr.end, {}, id);
//   inferlens::bench_report_data d;
//   d.points.push_back(lg::report_point(s, lg::timeline_of(rr.records, rr.start, rr.end)));
//   inferlens::write_file("report.html", inferlens::bench_report_html(d));
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "inferlens/loadgen/metrics.hpp"
#include "inferlens/report.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// The timeline of a point's measured requests in seconds since `start` (the point's dispatch
/// start): requests in flight (sent and not yet done; time-weighted per interval) and output
/// tokens/s (content chunks, each with its own token count where the server said it, else the
/// request's count spread over its chunks), over `bins` equal intervals up to the last request's
/// end. A request never sent is left out; one not done counts as in flight until `end`.
inline std::vector<bench_timeline_sample> timeline_of(std::span<const request_record> records, time_point start, time_point end,
                                                      std::size_t bins = 120) {
  std::vector<bench_request_times> times;
  times.reserve(records.size());
  for (const request_record& r : records) {
    if (r.warmup || r.sent == time_point{}) continue;
    bench_request_times t;
    t.sent_s = seconds(start, r.sent);
    t.done_s = seconds(start, r.done == time_point{} ? end : r.done);
    std::size_t content = 0;
    bool exact = true;
    for (const chunk_stamp& c : r.chunks)
      if (c.content) {
        ++content;
        exact = exact && c.tokens >= 0;
      }
    const double spread = content == 0 ? 0.0
                          : r.output_tokens ? static_cast<double>(*r.output_tokens) / static_cast<double>(content)
                                            : 1.0;
    for (const chunk_stamp& c : r.chunks) {
      if (!c.content) continue;
      t.chunk_s.push_back(seconds(start, c.t));
      t.chunk_tokens.push_back(exact ? static_cast<double>(c.tokens) : spread);
    }
    times.push_back(std::move(t));
  }
  return bench_timeline(times, bins);
}

/// One point of the report from its aggregate (run_summary) and timeline: the row written for
/// it, its samples, and notes on what went wrong (failures by kind with the first message,
/// ignore_eos not honoured, interrupted).
inline bench_point_data report_point(const run_summary& s, std::vector<bench_timeline_sample> timeline = {}) {
  bench_point_data d;
  d.point = s.point;
  d.ttft_s = s.ttft_samples;
  d.tpot_s = s.tpot_samples;
  d.itl_s = s.itl_samples;
  d.e2el_s = s.e2el_samples;
  d.timeline = std::move(timeline);
  for (std::size_t k = 1; k < error_kind_count; ++k) {
    if (s.errors[k] == 0) continue;
    std::string n = std::to_string(s.errors[k]) + " " + std::string(to_string(static_cast<error_kind>(k)));
    if (!s.first_error[k].empty()) n += " (" + s.first_error[k].substr(0, 160) + ")";
    d.notes.push_back(std::move(n));
  }
  if (s.count_mismatches) d.notes.push_back(std::to_string(s.count_mismatches) + " requests did not get exactly the tokens asked for (ignore_eos not honoured)");
  return d;
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
