// The cost of reading one OpenAI stream chunk (loadgen/sse.hpp: scan_openai_chunk on the
// library's JSON scanner), the part of the client's per-event cost that is JSON: 10^6 chunks of
// three real shapes (a completions token, a chat delta, a usage chunk), nanoseconds per chunk
// as min / median / max of the runs.
//
//   benchmark_sse_scan [runs]   (default 5)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <inferlens/loadgen/sse.hpp>

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const char* chunks[] = {
      R"({"id":"cmpl-8f2a1c","object":"text_completion","created":1733000000,"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"text":" the","logprobs":null,"finish_reason":null,"stop_reason":null}],"usage":null})",
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1733000000,"model":"m","choices":[{"index":0,"delta":{"content":" world"},"logprobs":null,"finish_reason":null}]})",
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1733000000,"model":"m","choices":[],"usage":{"prompt_tokens":128,"total_tokens":192,"completion_tokens":64}})",
  };
  std::string load;
  std::getline(std::ifstream("/proc/loadavg"), load);
  constexpr int n = 1000000;
  std::vector<double> ns;
  long seen = 0;  // what the scans found, so that none is optimised away
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      const auto c = inferlens::loadgen::scan_openai_chunk(chunks[i % 3]);
      seen += c.has_content + static_cast<long>(c.id.size()) + c.completion_tokens.value_or(0);
    }
    ns.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / n * 1e9);
  }
  std::sort(ns.begin(), ns.end());
  std::printf("scan_openai_chunk, %d x 10^6 chunks; load average %s\n", runs, load.c_str());
  std::printf("  ns per chunk: min %.1f  median %.1f  max %.1f   (checksum %ld)\n", ns.front(), ns[ns.size() / 2], ns.back(), seen);
  return 0;
}
