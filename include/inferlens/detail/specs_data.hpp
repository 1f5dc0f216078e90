// Generated from data/accelerator_specs.json by cmake/embed_json.cmake; tests/CMakeLists.txt checks that it
// matches the data file. Do not edit: edit the data file and regenerate.
#pragma once

#include <string_view>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {
// A char array, not a string_view initialised from the literal: the compiler then need not
// count the characters in a constant expression (0.1 s of g++ time for the 40 KB presets).
inline constexpr char accelerator_specs_json_text[] = R"inferlens_json({
  "format": "inferlens-accelerator-specs",
  "format_version": 1,
  "description": "Per-accelerator silicon figures for the physical bound of a benchmark point (limits.hpp): usable HBM capacity, peak HBM bandwidth, dense (no sparsity) tensor FLOP/s per precision, scale-up (NVLink / Infinity Fabric) bandwidth per GPU and the size of the scale-up domain. Every value carries its source and vintage; the cost and power presets are in accelerators.json. Precisions an accelerator has no tensor-core format for are absent: the bound then computes in the nearest wider format it has. See docs/prediction.md.",
  "accelerators": {
    "h100": {
      "name": "NVIDIA H100 SXM",
      "hbm_gb": {"value": 80, "source": "NVIDIA H100 Tensor Core GPU datasheet (SXM, HBM3); ai-dynamo/aiconfigurator systems/h100_sxm.yaml", "vintage": "2023"},
      "hbm_tb_per_s": {"value": 3.35, "source": "NVIDIA H100 datasheet (SXM); aiconfigurator systems/h100_sxm.yaml; InferenceX-app gpu-specs.ts", "vintage": "2023"},
      "dense_tflops": {
        "bf16": {"value": 989, "source": "NVIDIA H100 datasheet (SXM): 1,979 TFLOPS with 2:4 sparsity, half without", "vintage": "2023"},
        "fp8": {"value": 1979, "source": "NVIDIA H100 datasheet (SXM): 3,958 TFLOPS with sparsity, half without; aiconfigurator h100_sxm.yaml", "vintage": "2023"}
      },
      "scale_up_gb_per_s": {"value": 900, "source": "NVIDIA H100 datasheet: NVLink 4, 900 GB/s per GPU (both directions)", "vintage": "2023"},
      "scale_up_domain": {"value": 8, "source": "HGX/DGX H100: 8 GPUs on NVSwitch", "vintage": "2023"}
    },
    "h200": {
      "name": "NVIDIA H200 SXM",
      "hbm_gb": {"value": 141, "source": "NVIDIA H200 datasheet (SXM, HBM3e); aiconfigurator systems/h200_sxm.yaml", "vintage": "2024"},
      "hbm_tb_per_s": {"value": 4.8, "source": "NVIDIA H200 datasheet (SXM); aiconfigurator h200_sxm.yaml; InferenceX-app gpu-specs.ts", "vintage": "2024"},
      "dense_tflops": {
        "bf16": {"value": 989, "source": "NVIDIA H200 datasheet (same Hopper die as H100 SXM): 1,979 TFLOPS with sparsity, half without", "vintage": "2024"},
        "fp8": {"value": 1979, "source": "NVIDIA H200 datasheet: 3,958 TFLOPS with sparsity, half without", "vintage": "2024"}
      },
      "scale_up_gb_per_s": {"value": 900, "source": "NVIDIA H200 datasheet: NVLink 4, 900 GB/s per GPU", "vintage": "2024"},
      "scale_up_domain": {"value": 8, "source": "HGX/DGX H200: 8 GPUs on NVSwitch", "vintage": "2024"}
    },
    "b200": {
      "name": "NVIDIA B200 (HGX)",
      "hbm_gb": {"value": 180, "source": "aiconfigurator systems/b200_sxm.yaml (usable of 192 GB physical HBM3e); DGX B200 user guide: 1,440 GB for 8 GPUs", "vintage": "2025"},
      "hbm_tb_per_s": {"value": 8.0, "source": "NVIDIA DGX B200 datasheet: 64 TB/s HBM3e for 8 GPUs; InferenceX-app gpu-specs.ts (aiconfigurator uses 7.7)", "vintage": "2025"},
      "dense_tflops": {
        "bf16": {"value": 2250, "source": "NVIDIA HGX B200 specifications: 36 PFLOPS BF16 with sparsity for 8 GPUs, half without", "vintage": "2025"},
        "fp8": {"value": 4500, "source": "NVIDIA HGX B200 specifications: 72 PFLOPS FP8 with sparsity for 8 GPUs, half without; aiconfigurator b200_sxm.yaml", "vintage": "2025"},
        "fp4": {"value": 9000, "source": "NVIDIA HGX B200 specifications: 144 PFLOPS FP4 with sparsity for 8 GPUs, half without; InferenceX-app gpu-specs.ts", "vintage": "2025"}
      },
      "scale_up_gb_per_s": {"value": 1800, "source": "NVIDIA HGX B200 specifications: NVLink 5, 1.8 TB/s per GPU", "vintage": "2025"},
      "scale_up_domain": {"value": 8, "source": "HGX/DGX B200: 8 GPUs on NVSwitch", "vintage": "2025"}
    },
    "b300": {
      "name": "NVIDIA B300 (HGX, Blackwell Ultra)",
      "hbm_gb": {"value": 270, "source": "usable share of 288 GB physical HBM3e (aiconfigurator systems/b300_sxm.yaml; InferenceX-app gpu-specs.ts)", "vintage": "2025"},
      "hbm_tb_per_s": {"value": 8.0, "source": "NVIDIA HGX B300 specifications (64 TB/s for 8 GPUs); InferenceX-app gpu-specs.ts", "vintage": "2025"},
      "dense_tflops": {
        "bf16": {"value": 2250, "source": "NVIDIA HGX B300 specifications: 36 PFLOPS BF16 with sparsity for 8 GPUs, half without (Blackwell Ultra raised FP4 only, InferenceX docs/gpu-specs.md)", "vintage": "2025"},
        "fp8": {"value": 4500, "source": "NVIDIA HGX B300 specifications: 72 PFLOPS FP8 with sparsity for 8 GPUs, half without", "vintage": "2025"},
        "fp4": {"value": 13500, "source": "NVIDIA HGX B300 specifications: 108 PFLOPS dense FP4 for 8 GPUs; InferenceX-app gpu-specs.ts (aiconfigurator: 14,000)", "vintage": "2025"}
      },
      "scale_up_gb_per_s": {"value": 1800, "source": "NVIDIA HGX B300 specifications: NVLink 5, 1.8 TB/s per GPU", "vintage": "2025"},
      "scale_up_domain": {"value": 8, "source": "HGX/DGX B300: 8 GPUs on NVSwitch", "vintage": "2025"}
    },
    "gb200": {
      "name": "NVIDIA GB200 NVL72 (per GPU)",
      "hbm_gb": {"value": 186, "source": "aiconfigurator systems/gb200.yaml (usable of 192 GB physical HBM3e)", "vintage": "2025"},
      "hbm_tb_per_s": {"value": 8.0, "source": "NVIDIA GB200 NVL72 specifications (576 TB/s for 72 GPUs); InferenceX-app gpu-specs.ts", "vintage": "2025"},
      "dense_tflops": {
        "bf16": {"value": 2500, "source": "NVIDIA GB200 NVL72 specifications: 360 PFLOPS BF16 with sparsity for 72 GPUs, half without", "vintage": "2025"},
        "fp8": {"value": 5000, "source": "NVIDIA GB200 NVL72 specifications: 720 PFLOPS FP8 with sparsity for 72 GPUs, half without; aiconfigurator gb200.yaml", "vintage": "2025"},
        "fp4": {"value": 10000, "source": "NVIDIA GB200 NVL72 specifications: 1,440 PFLOPS FP4 with sparsity for 72 GPUs, half without; InferenceX-app gpu-specs.ts", "vintage": "2025"}
      },
      "scale_up_gb_per_s": {"value": 1800, "source": "NVIDIA GB200 NVL72 specifications: NVLink 5, 130 TB/s for 72 GPUs = 1.8 TB/s per GPU", "vintage": "2025"},
      "scale_up_domain": {"value": 72, "source": "GB200 NVL72: 72 GPUs in one NVLink domain", "vintage": "2025"}
    },
    "gb300": {
      "name": "NVIDIA GB300 NVL72 (per GPU)",
      "hbm_gb": {"value": 278, "source": "aiconfigurator systems/gb300.yaml (usable of 288 GB physical HBM3e)", "vintage": "2025"},
      "hbm_tb_per_s": {"value": 8.0, "source": "NVIDIA GB300 NVL72 specifications; InferenceX-app gpu-specs.ts", "vintage": "2025"},
      "dense_tflops": {
        "bf16": {"value": 2500, "source": "NVIDIA GB300 NVL72 specifications: 360 PFLOPS BF16 with sparsity for 72 GPUs, half without", "vintage": "2025"},
        "fp8": {"value": 5000, "source": "NVIDIA GB300 NVL72 specifications: 720 PFLOPS FP8 with sparsity for 72 GPUs, half without", "vintage": "2025"},
        "fp4": {"value": 15000, "source": "NVIDIA GB300 NVL72 specifications: 1,080 PFLOPS dense FP4 for 72 GPUs; InferenceX-app gpu-specs.ts", "vintage": "2025"}
      },
      "scale_up_gb_per_s": {"value": 1800, "source": "NVIDIA GB300 NVL72 specifications: NVLink 5, 130 TB/s for 72 GPUs", "vintage": "2025"},
      "scale_up_domain": {"value": 72, "source": "GB300 NVL72: 72 GPUs in one NVLink domain", "vintage": "2025"}
    },
    "mi300x": {
      "name": "AMD Instinct MI300X",
      "hbm_gb": {"value": 192, "source": "AMD Instinct MI300X datasheet (HBM3); InferenceX-app gpu-specs.ts", "vintage": "2023"},
      "hbm_tb_per_s": {"value": 5.3, "source": "AMD Instinct MI300X datasheet; InferenceX-app gpu-specs.ts", "vintage": "2023"},
      "dense_tflops": {
        "bf16": {"value": 1307, "source": "AMD Instinct MI300X datasheet: 1,307.4 TFLOPS BF16 dense (2,614.9 with sparsity)", "vintage": "2023"},
        "fp8": {"value": 2615, "source": "AMD Instinct MI300X datasheet: 2,614.9 TFLOPS FP8 dense; InferenceX-app gpu-specs.ts", "vintage": "2023"}
      },
      "scale_up_gb_per_s": {"value": 896, "source": "AMD Instinct MI300X datasheet: 7 Infinity Fabric links of 128 GB/s per GPU", "vintage": "2023"},
      "scale_up_domain": {"value": 8, "source": "MI300X platform: 8 GPUs fully connected by Infinity Fabric", "vintage": "2023"}
    },
    "mi325x": {
      "name": "AMD Instinct MI325X",
      "hbm_gb": {"value": 256, "source": "AMD Instinct MI325X datasheet (HBM3E); InferenceX-app gpu-specs.ts", "vintage": "2024"},
      "hbm_tb_per_s": {"value": 6.0, "source": "AMD Instinct MI325X datasheet; InferenceX-app gpu-specs.ts", "vintage": "2024"},
      "dense_tflops": {
        "bf16": {"value": 1307, "source": "AMD Instinct MI325X datasheet: 1,307.4 TFLOPS BF16 dense (same compute die as MI300X)", "vintage": "2024"},
        "fp8": {"value": 2615, "source": "AMD Instinct MI325X datasheet: 2,614.9 TFLOPS FP8 dense; InferenceX-app gpu-specs.ts", "vintage": "2024"}
      },
      "scale_up_gb_per_s": {"value": 896, "source": "AMD Instinct MI325X datasheet: 7 Infinity Fabric links of 128 GB/s per GPU", "vintage": "2024"},
      "scale_up_domain": {"value": 8, "source": "MI325X platform: 8 GPUs fully connected by Infinity Fabric", "vintage": "2024"}
    },
    "mi355x": {
      "name": "AMD Instinct MI355X",
      "hbm_gb": {"value": 288, "source": "AMD Instinct MI355X datasheet (HBM3E); InferenceX-app gpu-specs.ts", "vintage": "2025"},
      "hbm_tb_per_s": {"value": 8.0, "source": "AMD Instinct MI355X datasheet; InferenceX-app gpu-specs.ts", "vintage": "2025"},
      "dense_tflops": {
        "bf16": {"value": 2517, "source": "AMD Instinct MI355X datasheet: 2.5 PFLOPS BF16 dense", "vintage": "2025"},
        "fp8": {"value": 5033, "source": "AMD Instinct MI355X datasheet: 5.0 PFLOPS FP8 dense; InferenceX-app gpu-specs.ts", "vintage": "2025"},
        "fp4": {"value": 10066, "source": "AMD Instinct MI355X datasheet: 10.1 PFLOPS MXFP4 dense (20.1 quoted with sparsity); InferenceX-app gpu-specs.ts", "vintage": "2025"}
      },
      "scale_up_gb_per_s": {"value": 1075, "source": "AMD Instinct MI355X datasheet: 7 Infinity Fabric links of 153.6 GB/s per GPU", "vintage": "2025"},
      "scale_up_domain": {"value": 8, "source": "MI355X platform: 8 GPUs fully connected by Infinity Fabric", "vintage": "2025"}
    }
  }
}
)inferlens_json";
inline constexpr std::string_view accelerator_specs_json(accelerator_specs_json_text, sizeof accelerator_specs_json_text - 1);
}  // namespace detail
INFERLENS_END_NAMESPACE
