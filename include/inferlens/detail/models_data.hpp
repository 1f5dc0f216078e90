// Generated from data/models.json by cmake/embed_json.cmake; tests/CMakeLists.txt checks that it
// matches the data file. Do not edit: edit the data file and regenerate.
#pragma once

#include <string_view>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {
// A char array, not a string_view initialised from the literal: the compiler then need not
// count the characters in a constant expression (0.1 s of g++ time for the 40 KB presets).
inline constexpr char models_json_text[] = R"inferlens_json({
  "format": "inferlens-models",
  "format_version": 1,
  "description": "Model identities: the canonical base model a result row belongs to, found from InferenceMAX's model prefix or from the checkpoint name (path, organisation and Hugging Face cache wrapping removed; case-insensitive). Checkpoints of one base model in different precisions or revisions are one model: precision is a column of its own. See docs/formats.md. Where the library knows a model's architecture (\"architecture\": parameters, active parameters for MoE, layers, hidden size, attention and KV heads, head dimension, experts, MLA, KV bytes per token of context per KV precision) the physical bound of a point and the calibrated model use it (limits.hpp, docs/prediction.md).",
  "models": {
    "gpt-oss-120b": {
      "inferencemax_prefix": ["gptoss"],
      "aliases": ["gpt-oss-120b", "gpt-oss-120b-fp4", "gpt-oss-120b-mxfp4"],
      "source": "OpenAI gpt-oss-120b model card (huggingface.co/openai/gpt-oss-120b); InferenceMAX model-prefix gptoss",
      "architecture": {
        "parameters": 116830000000, "active_parameters": 5130000000, "layers": 36, "hidden_size": 2880,
        "attention_heads": 64, "kv_heads": 8, "head_dim": 64, "experts": 128, "experts_per_token": 4, "moe_layers": 36,
        "sliding_window": 128, "sliding_window_layers": 18, "kv_bytes_per_token": {"bf16": 73728, "fp8": 36864},
        "source": "openai/gpt-oss-120b config.json and model card (116.8B parameters, 5.1B active; attention alternates full and 128-token banded layers); KV = 2 x 36 layers x 8 KV heads x 64 per token"
      }
    },
    "gpt-oss-20b": {
      "inferencemax_prefix": [],
      "aliases": ["gpt-oss-20b"],
      "source": "OpenAI gpt-oss-20b model card (huggingface.co/openai/gpt-oss-20b)",
      "architecture": {
        "parameters": 20910000000, "active_parameters": 3610000000, "layers": 24, "hidden_size": 2880,
        "attention_heads": 64, "kv_heads": 8, "head_dim": 64, "experts": 32, "experts_per_token": 4, "moe_layers": 24,
        "sliding_window": 128, "sliding_window_layers": 12, "kv_bytes_per_token": {"bf16": 49152, "fp8": 24576},
        "source": "openai/gpt-oss-20b config.json and model card (20.9B parameters, 3.6B active); KV = 2 x 24 x 8 x 64 per token"
      }
    },
    "DeepSeek-R1": {
      "inferencemax_prefix": ["dsr1"],
      "aliases": ["DeepSeek-R1", "DeepSeek-R1-0528", "DeepSeek-R1-FP4", "DeepSeek-R1-0528-FP4", "DeepSeek-R1-0528-FP4-V2",
                  "deepseek-r1-0528-fp4-v2", "DeepSeek-R1-0528-MXFP4-Preview", "DeepSeek-R1-MXFP4-Preview", "DeepSeek-R1-0528-FP8"],
      "source": "deepseek-ai/DeepSeek-R1 and -R1-0528 model cards (same architecture); NVIDIA and AMD quantised checkpoints of them; InferenceMAX model-prefix dsr1",
      "architecture": {
        "parameters": 671000000000, "active_parameters": 37000000000, "layers": 61, "hidden_size": 7168,
        "attention_heads": 128, "kv_heads": 1, "head_dim": 192, "experts": 256, "experts_per_token": 8,
        "moe_layers": 58,
        "mla": {"kv_lora_rank": 512, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128, "v_head_dim": 128},
        "kv_bytes_per_token": {"bf16": 70272, "fp8": 35136},
        "source": "deepseek-ai/DeepSeek-R1 config.json and DeepSeek-V3 technical report (671B parameters, 37B active, 61 layers of which 58 MoE with 256 routed experts, 8 per token, plus one shared; MLA caches a 512-wide latent and a 64-wide rotary key per token and layer: 61 x 576 per token; the multi-token-prediction module is not counted)"
      }
    },
    "DeepSeek-V3": {
      "inferencemax_prefix": [],
      "aliases": ["DeepSeek-V3", "DeepSeek-V3-0324", "DeepSeek-V3.1", "DeepSeek-V3.2"],
      "source": "deepseek-ai/DeepSeek-V3 model cards",
      "architecture": {
        "parameters": 671000000000, "active_parameters": 37000000000, "layers": 61, "hidden_size": 7168,
        "attention_heads": 128, "kv_heads": 1, "head_dim": 192, "experts": 256, "experts_per_token": 8,
        "moe_layers": 58,
        "mla": {"kv_lora_rank": 512, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128, "v_head_dim": 128},
        "kv_bytes_per_token": {"bf16": 70272, "fp8": 35136},
        "source": "deepseek-ai/DeepSeek-V3 config.json and technical report (same architecture as DeepSeek-R1)"
      }
    },
    "Llama-3.3-70B": {
      "inferencemax_prefix": ["llama70b", "llama3.3-70b"],
      "aliases": ["Llama-3.3-70B", "Llama-3.3-70B-Instruct", "Llama-3.3-70B-Instruct-FP8", "Llama-3.3-70B-Instruct-FP4",
                  "Llama-3.1-70B-Instruct", "Meta-Llama-3.1-70B-Instruct", "Llama-3.1-70B"],
      "source": "meta-llama/Llama-3.3-70B-Instruct model card (same architecture as Llama-3.1-70B); InferenceMAX v1 model list",
      "architecture": {
        "parameters": 70550000000, "active_parameters": 70550000000, "layers": 80, "hidden_size": 8192,
        "attention_heads": 64, "kv_heads": 8, "head_dim": 128, "kv_bytes_per_token": {"bf16": 327680, "fp8": 163840},
        "source": "meta-llama/Llama-3.3-70B-Instruct config.json (80 layers, hidden 8192, 64 query and 8 KV heads of 128); 70.55B parameters; KV = 2 x 80 x 8 x 128 per token"
      }
    },
    "Llama-3.1-8B": {
      "inferencemax_prefix": [],
      "aliases": ["Llama-3.1-8B", "Llama-3.1-8B-Instruct", "Meta-Llama-3.1-8B-Instruct", "llama-3.1-8b"],
      "source": "meta-llama/Llama-3.1-8B-Instruct model card",
      "architecture": {
        "parameters": 8030000000, "active_parameters": 8030000000, "layers": 32, "hidden_size": 4096,
        "attention_heads": 32, "kv_heads": 8, "head_dim": 128, "kv_bytes_per_token": {"bf16": 131072, "fp8": 65536},
        "source": "meta-llama/Llama-3.1-8B-Instruct config.json (32 layers, hidden 4096, 32 query and 8 KV heads of 128); 8.03B parameters"
      }
    },
    "Qwen3-235B-A22B": {
      "inferencemax_prefix": [],
      "aliases": ["Qwen3-235B-A22B", "Qwen3-235B-A22B-Instruct-2507", "Qwen3-235B-A22B-FP8"],
      "source": "Qwen/Qwen3-235B-A22B model card",
      "architecture": {
        "parameters": 235000000000, "active_parameters": 22000000000, "layers": 94, "hidden_size": 4096,
        "attention_heads": 64, "kv_heads": 4, "head_dim": 128, "experts": 128, "experts_per_token": 8,
        "moe_layers": 94, "kv_bytes_per_token": {"bf16": 192512, "fp8": 96256},
        "source": "Qwen/Qwen3-235B-A22B config.json and model card (235B parameters, 22B active, 94 layers, 128 experts, 8 per token, 64 query and 4 KV heads of 128)"
      }
    },
    "MiniMax-M2.5": {
      "inferencemax_prefix": ["minimaxm2.5", "minimax-m2.5"],
      "aliases": ["MiniMax-M2.5"],
      "source": "MiniMaxAI/MiniMax-M2.5; InferenceX model list (reference/inferencemax.md)"
    }
  }
}
)inferlens_json";
inline constexpr std::string_view models_json(models_json_text, sizeof models_json_text - 1);
}  // namespace detail
INFERLENS_END_NAMESPACE
