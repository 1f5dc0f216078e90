// How each real OpenAI-compatible server frames its streams, treats request parameters and
// handles connections, so the simulated server can behave like any of them and a client is
// tested against all. The facts come from each server's source and from observing them; the
// version each one reproduces is named below. No Boost.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace sim {

/// Whose behaviour the simulated server reproduces.
enum class personality : std::uint8_t { vllm, sglang, llama_cpp, tgi, trt };
inline constexpr std::array<personality, 5> all_personalities = {personality::vllm, personality::sglang,
                                                                 personality::llama_cpp, personality::tgi, personality::trt};

constexpr std::string_view to_string(personality p) noexcept {
  switch (p) {
    case personality::vllm: return "vllm";
    case personality::sglang: return "sglang";
    case personality::llama_cpp: return "llama.cpp";
    case personality::tgi: return "tgi";
    case personality::trt: return "trt";
  }
  return "vllm";
}

inline std::optional<personality> parse_personality(std::string_view s) noexcept {
  for (personality p : all_personalities)
    if (s == to_string(p)) return p;
  if (s == "llama-cpp" || s == "llamacpp" || s == "llama-server") return personality::llama_cpp;
  if (s == "trtllm" || s == "trt-llm" || s == "tensorrt-llm") return personality::trt;
  return std::nullopt;
}

/// What a personality does, field by field (the table in docs/simulator.md).
struct traits {
  /// The chat stream's first event, sent in the same write as the first token.
  enum class prelude : std::uint8_t {
    role_empty_content,  ///< {"role":"assistant","content":""} (vLLM, SGLang)
    role_null_content,   ///< {"role":"assistant","content":null} (llama.cpp)
    role_only,           ///< {"role":"assistant"} (TensorRT-LLM, which leaves out nulls)
    none,                ///< no prelude; every delta carries "role":"assistant" (TGI)
  };
  prelude chat_prelude = prelude::role_empty_content;
  /// Where streaming usage goes.
  enum class usage_place : std::uint8_t {
    usage_chunk,  ///< with include_usage, a chunk with "choices": [] before [DONE]
    llama_cpp,    ///< completions: on the finish chunk, always, with "timings"; chat: a usage chunk with include_usage
    never,        ///< no streaming usage at all (TGI before stream_options)
  };
  usage_place usage = usage_place::usage_chunk;
  bool continuous_usage = true;        ///< honours stream_options.continuous_usage_stats
  bool finish_chunk_separate = false;  ///< finish_reason on an extra chunk without text after the last token
  bool timings = false;                ///< a llama.cpp "timings" object on the finish chunk
  bool ignore_eos = true;              ///< honours ignore_eos
  bool max_completion_tokens = true;   ///< reads max_completion_tokens (chat); else max_tokens only
  bool checks_model = true;            ///< a request for another model gets 404
  bool sends_done = true;              ///< ends the stream with data: [DONE]
  bool empty_id = false;               ///< every chunk's "id" is "" (TGI)
  bool usage_null = false;             ///< content chunks carry "usage":null (SGLang)
  bool trailing_space = false;         ///< "data: {...} \n\n" (TensorRT-LLM's formatting)
  bool eos_without_text = false;       ///< the EOS token streams as an empty chunk (TGI: special tokens have no text)
  /// Advertises `Keep-Alive: timeout=5, max=100` but closes the connection after every stream
  /// (llama.cpp's server).
  bool close_after_stream = false;
  bool models_max_len = true;          ///< /v1/models says max_model_len
  int tokens_per_delta = 1;            ///< tokens per event when server_options leaves it at 0
  /// Every this many content events carries two tokens (0: never): llama.cpp holds a token back
  /// until the text it ends is a whole UTF-8 character.
  int two_tokens_every = 0;
};

/// The traits of each personality.
///   vllm      vLLM 0.11 (`vllm serve`)
///   sglang    SGLang 0.5 (`python -m sglang.launch_server`)
///   llama.cpp llama.cpp's `llama-server` (b6000-era)
///   tgi       text-generation-inference 2.1 (before [DONE] and stream_options)
///   trt       TensorRT-LLM 1.0 `trtllm-serve`, speculative decoding streaming 3 tokens a step
constexpr traits traits_of(personality p) noexcept {
  traits t;
  switch (p) {
    case personality::vllm: break;
    case personality::sglang:
      t.checks_model = false;
      t.usage_null = true;
      break;
    case personality::llama_cpp:
      t.chat_prelude = traits::prelude::role_null_content;
      t.usage = traits::usage_place::llama_cpp;
      t.continuous_usage = false;
      t.finish_chunk_separate = true;
      t.timings = true;
      t.max_completion_tokens = false;
      t.checks_model = false;
      t.close_after_stream = true;
      t.models_max_len = false;
      t.two_tokens_every = 16;
      break;
    case personality::tgi:
      t.chat_prelude = traits::prelude::none;
      t.usage = traits::usage_place::never;
      t.continuous_usage = false;
      t.ignore_eos = false;
      t.max_completion_tokens = false;
      t.checks_model = false;
      t.sends_done = false;
      t.empty_id = true;
      t.eos_without_text = true;
      t.models_max_len = false;
      break;
    case personality::trt:
      t.chat_prelude = traits::prelude::role_only;
      t.checks_model = false;
      t.trailing_space = true;
      t.models_max_len = false;
      t.tokens_per_delta = 3;
      break;
  }
  return t;
}

}  // namespace sim
INFERLENS_END_NAMESPACE
