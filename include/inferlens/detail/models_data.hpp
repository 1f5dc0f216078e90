// Generated from data/models.json by cmake/embed_json.cmake; tests/CMakeLists.txt checks that it
// matches the data file. Do not edit: edit the data file and regenerate.
#pragma once

#include <string_view>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {
inline constexpr std::string_view models_json = R"inferlens_json({
  "format": "inferlens-models",
  "format_version": 1,
  "description": "Model identities: the canonical base model a result row belongs to, found from InferenceMAX's model prefix or from the checkpoint name (path, organisation and Hugging Face cache wrapping removed; case-insensitive). Checkpoints of one base model in different precisions or revisions are one model: precision is a column of its own. See docs/formats.md.",
  "models": {
    "gpt-oss-120b": {
      "inferencemax_prefix": ["gptoss"],
      "aliases": ["gpt-oss-120b", "gpt-oss-120b-fp4", "gpt-oss-120b-mxfp4"],
      "source": "OpenAI gpt-oss-120b model card (huggingface.co/openai/gpt-oss-120b); InferenceMAX model-prefix gptoss"
    },
    "gpt-oss-20b": {
      "inferencemax_prefix": [],
      "aliases": ["gpt-oss-20b"],
      "source": "OpenAI gpt-oss-20b model card (huggingface.co/openai/gpt-oss-20b)"
    },
    "DeepSeek-R1": {
      "inferencemax_prefix": ["dsr1"],
      "aliases": ["DeepSeek-R1", "DeepSeek-R1-0528", "DeepSeek-R1-FP4", "DeepSeek-R1-0528-FP4", "DeepSeek-R1-0528-FP4-V2",
                  "deepseek-r1-0528-fp4-v2", "DeepSeek-R1-0528-MXFP4-Preview", "DeepSeek-R1-MXFP4-Preview", "DeepSeek-R1-0528-FP8"],
      "source": "deepseek-ai/DeepSeek-R1 and -R1-0528 model cards (same architecture); NVIDIA and AMD quantised checkpoints of them; InferenceMAX model-prefix dsr1"
    },
    "DeepSeek-V3": {
      "inferencemax_prefix": [],
      "aliases": ["DeepSeek-V3", "DeepSeek-V3-0324", "DeepSeek-V3.1", "DeepSeek-V3.2"],
      "source": "deepseek-ai/DeepSeek-V3 model cards"
    },
    "Llama-3.3-70B": {
      "inferencemax_prefix": ["llama70b", "llama3.3-70b"],
      "aliases": ["Llama-3.3-70B", "Llama-3.3-70B-Instruct", "Llama-3.3-70B-Instruct-FP8", "Llama-3.3-70B-Instruct-FP4",
                  "Llama-3.1-70B-Instruct", "Meta-Llama-3.1-70B-Instruct", "Llama-3.1-70B"],
      "source": "meta-llama/Llama-3.3-70B-Instruct model card (same architecture as Llama-3.1-70B); InferenceMAX v1 model list"
    },
    "Llama-3.1-8B": {
      "inferencemax_prefix": [],
      "aliases": ["Llama-3.1-8B", "Llama-3.1-8B-Instruct", "Meta-Llama-3.1-8B-Instruct", "llama-3.1-8b"],
      "source": "meta-llama/Llama-3.1-8B-Instruct model card"
    },
    "Qwen3-235B-A22B": {
      "inferencemax_prefix": [],
      "aliases": ["Qwen3-235B-A22B", "Qwen3-235B-A22B-Instruct-2507", "Qwen3-235B-A22B-FP8"],
      "source": "Qwen/Qwen3-235B-A22B model card"
    },
    "MiniMax-M2.5": {
      "inferencemax_prefix": ["minimaxm2.5", "minimax-m2.5"],
      "aliases": ["MiniMax-M2.5"],
      "source": "MiniMaxAI/MiniMax-M2.5; InferenceX model list (reference/inferencemax.md)"
    }
  }
}
)inferlens_json";
}  // namespace detail
INFERLENS_END_NAMESPACE
