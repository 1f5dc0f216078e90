// Generated from data/accelerators.json by cmake/embed_json.cmake; tests/CMakeLists.txt checks that it
// matches the data file. Do not edit: edit the data file and regenerate.
#pragma once

#include <string_view>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {
// A char array, not a string_view initialised from the literal: the compiler then need not
// count the characters in a constant expression (0.1 s of g++ time for the 40 KB presets).
inline constexpr char accelerators_json_text[] = R"inferlens_json({
  "format": "inferlens-presets",
  "format_version": 1,
  "description": "Per-accelerator cost and power presets (InferenceX tiers of each published vintage), hardware specs and model defaults. Every value carries its source and vintage; see docs/economics.md.",
  "default_vintage": "2026-07",
  "vintages": [
    {
      "name": "2025-08",
      "aliases": [
        "aug2025",
        "august-2025",
        "2025"
      ],
      "title": "August 2025 survey: InferenceMAX v1 / InferenceX v2 dashboard constants",
      "used": "InferenceX dashboard and blog posts until 2026-07-14 (power) and 2026-07-31 (cost)",
      "power_basis": "utility"
    },
    {
      "name": "2026-07",
      "aliases": [
        "jul2026",
        "july-2026",
        "2026"
      ],
      "title": "July 2026 revision: power corrected 2026-07-14 (PR #578), TCO re-surveyed 2026-07-31 (PR #659/#661)",
      "used": "InferenceX dashboard from 2026-07-31",
      "power_basis": "it"
    }
  ],
  "defaults": {
    "pue": {
      "value": 1.25,
      "source": "[derived] ratio of InferenceX's Aug-2025 utility to Jul-2026 IT power (1.26-1.29); Google fleet 1.10 (2024 Environmental Report), industry 1.56-1.58 (Uptime Institute)",
      "vintage": "2026-07"
    },
    "usd_per_kwh": {
      "value": 0.08,
      "source": "US industrial electricity, EIA Electric Power Monthly Table 5.6 (2024; 0.04-0.18 by state)",
      "vintage": "2024"
    },
    "load_factor": {
      "value": 0.75,
      "source": "average / provisioned power; DGX H100 typical 6.5-8.5 kW of 10.2 kW maximum = 0.64-0.83 (supercluster.blog)",
      "vintage": "2024"
    },
    "colo_usd_per_kw_month": {
      "value": 184,
      "source": "CBRE North America Data Center Trends H2-2024: wholesale colocation, 250-500 kW, primary markets",
      "vintage": "2024-H2"
    },
    "economic_life_years": {
      "value": 4,
      "source": "SemiAnalysis InferenceMAX v1 blog: owners over a 4-year economic useful life",
      "vintage": "2025-10"
    },
    "cost_of_capital": {
      "value": 0.1,
      "source": "[assumption] owner's cost of capital; no survey figure",
      "vintage": "2026-07"
    },
    "residual_fraction": {
      "value": 0,
      "source": "[assumption] no resale value at the end of the economic life",
      "vintage": "2026-07"
    },
    "network_capex_usd_per_gpu": {
      "value": 0,
      "source": "[assumption] 0 unless given (the capex preset covers the server only)",
      "vintage": "2026-07"
    },
    "other_capex_usd_per_gpu": {
      "value": 0,
      "source": "[assumption] 0 unless given (storage, installation)",
      "vintage": "2026-07"
    },
    "maintenance_fraction_per_year": {
      "value": 0,
      "source": "[assumption] not modelled unless given (no sourced figure)",
      "vintage": "2026-07"
    },
    "other_opex_usd_per_gpu_hour": {
      "value": 0,
      "source": "[assumption] 0 unless given (software, support, staff)",
      "vintage": "2026-07"
    },
    "availability": {
      "value": 1,
      "source": "[assumption] every hour sold, as InferenceX assumes",
      "vintage": "2026-07"
    },
    "term_years": {
      "value": 3,
      "source": "InferenceMAX v1 blog: '3 Year Rental' tier = 3-year neocloud contract with 25% upfront",
      "vintage": "2025-10"
    },
    "upfront_fraction": {
      "value": 0.25,
      "source": "InferenceMAX v1 blog: '3 Year Rental' tier = 3-year neocloud contract with 25% upfront",
      "vintage": "2025-10"
    },
    "discount_rate": {
      "value": 0.1,
      "source": "[assumption] renter's cost of capital (10-15% is typical)",
      "vintage": "2026-07"
    },
    "nic_w_per_gpu": {
      "value": 0,
      "source": "[assumption] 0 unless given: the vendor system power behind the host default already includes NICs",
      "vintage": "2026-07"
    },
    "switch_w_per_gpu": {
      "value": 95,
      "source": "[derived] InferenceX H100 1.37 kW (Jul-2026 IT) - DGX H100 10.2 kW / 8 = 1.275 kW: about 95 W per GPU of scale-out network and storage",
      "vintage": "2026-07"
    },
    "other_it_w_per_gpu": {
      "value": 0,
      "source": "[assumption] 0 unless given",
      "vintage": "2026-07"
    },
    "utilization": {
      "value": 1,
      "source": "[assumption] the operating point's throughput every hour, as InferenceX assumes",
      "vintage": "2026-07"
    }
  },
  "accelerators": {
    "h100": {
      "name": "NVIDIA H100 SXM",
      "aliases": [
        "h100sxm",
        "h100-sxm"
      ],
      "tdp_w": {
        "value": 700,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/h100_sxm.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "hbm_gb": {
        "value": 80,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/h100_sxm.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP (HBM3)",
        "vintage": "2026-08"
      },
      "hbm_tb_per_s": {
        "value": 3.35,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/h100_sxm.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "system_max_kw_per_gpu": {
        "value": 1.275,
        "source": "NVIDIA DGX H100 user guide: 10.2 kW system maximum / 8 GPUs (via unanswered.io, supercluster.blog)",
        "vintage": "2024",
        "note": "vendor maximum; typical draw 6.5-8.5 kW per system"
      },
      "capex_usd_per_gpu": {
        "value": 39625,
        "source": "Thinkmate quote, Aug 2024: 8xH100 server incl. InfiniBand NICs $310-317k (Latent Space '$2 H100s' cost sheet) / 8",
        "vintage": "2024-08",
        "note": "upper end of $310-317k / 8; server share included, scale-out network and facility not"
      },
      "cost_usd_per_gpu_hour": {
        "2025-08": {
          "hyperscaler": {
            "value": 1.3,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "neocloud": {
            "value": 1.69,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "rental": {
            "value": 1.3,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          }
        },
        "2026-07": {
          "hyperscaler": {
            "value": 1.17,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "neocloud": {
            "value": 1.55,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "rental": {
            "value": 1.78,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          }
        }
      },
      "kw_per_gpu": {
        "2025-08": {
          "value": 1.73,
          "basis": "utility",
          "source": "SemiAnalysis Datacenter Industry Model 'All in Power/GPU' (all-in utility kW), as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
          "vintage": "2025-08"
        },
        "2026-07": {
          "value": 1.37,
          "basis": "it",
          "source": "InferenceX-app packages/constants/src/gpu-keys.ts after upstream PR #578 'correct GPU power & spec data' (2026-07-14): 'All-In (W)', chip + per-GPU share of host/NICs",
          "vintage": "2026-07"
        }
      }
    },
    "h200": {
      "name": "NVIDIA H200 SXM",
      "aliases": [
        "h200sxm",
        "h200-sxm"
      ],
      "tdp_w": {
        "value": 700,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/h200_sxm.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "hbm_gb": {
        "value": 141,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/h200_sxm.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP (HBM3e)",
        "vintage": "2026-08"
      },
      "hbm_tb_per_s": {
        "value": 4.8,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/h200_sxm.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "system_max_kw_per_gpu": {
        "value": 1.275,
        "source": "NVIDIA DGX H200: 10.2 kW system maximum (same chassis as DGX H100) / 8 GPUs (via unanswered.io)",
        "vintage": "2024",
        "note": "vendor maximum"
      },
      "cost_usd_per_gpu_hour": {
        "2025-08": {
          "hyperscaler": {
            "value": 1.41,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "neocloud": {
            "value": 1.74,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "rental": {
            "value": 1.6,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          }
        },
        "2026-07": {
          "hyperscaler": {
            "value": 1.22,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "neocloud": {
            "value": 1.59,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "rental": {
            "value": 2.05,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          }
        }
      },
      "kw_per_gpu": {
        "2025-08": {
          "value": 1.73,
          "basis": "utility",
          "source": "SemiAnalysis Datacenter Industry Model 'All in Power/GPU' (all-in utility kW), as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
          "vintage": "2025-08"
        },
        "2026-07": {
          "value": 1.37,
          "basis": "it",
          "source": "InferenceX-app packages/constants/src/gpu-keys.ts after upstream PR #578 'correct GPU power & spec data' (2026-07-14): 'All-In (W)', chip + per-GPU share of host/NICs",
          "vintage": "2026-07"
        }
      }
    },
    "b200": {
      "name": "NVIDIA B200 (HGX)",
      "aliases": [
        "b200sxm",
        "hgx-b200"
      ],
      "tdp_w": {
        "value": 1000,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/b200_sxm.yaml (Blackwell datasheet); InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "hbm_gb": {
        "value": 180,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/b200_sxm.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08",
        "note": "usable; 192 GB physical"
      },
      "hbm_tb_per_s": {
        "value": 7.7,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/b200_sxm.yaml (Blackwell datasheet)",
        "vintage": "2026-08",
        "note": "InferenceX gpu-specs.ts uses 8"
      },
      "system_max_kw_per_gpu": {
        "value": 1.7875,
        "source": "NVIDIA DGX B200 user guide (docs.nvidia.com/dgx/dgxb200-user-guide): 14.3 kW system maximum / 8 GPUs",
        "vintage": "2025",
        "note": "vendor maximum"
      },
      "cost_usd_per_gpu_hour": {
        "2025-08": {
          "hyperscaler": {
            "value": 1.95,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "neocloud": {
            "value": 2.34,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "rental": {
            "value": 2.9,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          }
        },
        "2026-07": {
          "hyperscaler": {
            "value": 1.73,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "neocloud": {
            "value": 2.07,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "rental": {
            "value": 2.6,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          }
        }
      },
      "kw_per_gpu": {
        "2025-08": {
          "value": 2.17,
          "basis": "utility",
          "source": "SemiAnalysis Datacenter Industry Model 'All in Power/GPU' (all-in utility kW), as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
          "vintage": "2025-08"
        },
        "2026-07": {
          "value": 1.71,
          "basis": "it",
          "source": "InferenceX-app packages/constants/src/gpu-keys.ts after upstream PR #578 'correct GPU power & spec data' (2026-07-14): 'All-In (W)', chip + per-GPU share of host/NICs",
          "vintage": "2026-07"
        }
      }
    },
    "b300": {
      "name": "NVIDIA B300 (HGX, Blackwell Ultra)",
      "aliases": [
        "b300sxm",
        "hgx-b300"
      ],
      "tdp_w": {
        "value": 1100,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/b300_sxm.yaml (NVIDIA datasheet)",
        "vintage": "2026-08",
        "note": "InferenceX GPU_TDP_MAP says 1200 W, aggregators 1400 W"
      },
      "hbm_gb": {
        "value": 288,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/b300_sxm.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08",
        "note": "physical; 268-270 GB usable"
      },
      "hbm_tb_per_s": {
        "value": 8,
        "source": "InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08",
        "note": "7.75-8 TB/s across sources"
      },
      "system_max_kw_per_gpu": {
        "value": 1.8125,
        "source": "NVIDIA DGX B300: 14.5 kW / 8 GPUs (via thedailyscout citing docs.nvidia.com)",
        "vintage": "2025",
        "note": "vendor maximum, secondary source"
      },
      "cost_usd_per_gpu_hour": {
        "2025-08": {
          "hyperscaler": {
            "value": 2.34,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08",
            "note": "placeholder upstream: 1.2x B200 pricing (power = B200's)"
          },
          "neocloud": {
            "value": 2.808,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08",
            "note": "placeholder upstream: 1.2x B200 pricing (power = B200's)"
          },
          "rental": {
            "value": 3.48,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08",
            "note": "placeholder upstream: 1.2x B200 pricing (power = B200's)"
          }
        },
        "2026-07": {
          "hyperscaler": {
            "value": 2.26,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "neocloud": {
            "value": 2.52,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "rental": {
            "value": 3.0,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          }
        }
      },
      "kw_per_gpu": {
        "2025-08": {
          "value": 2.17,
          "basis": "utility",
          "source": "SemiAnalysis Datacenter Industry Model 'All in Power/GPU' (all-in utility kW), as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
          "vintage": "2025-08",
          "note": "placeholder upstream: = B200"
        },
        "2026-07": {
          "value": 1.9,
          "basis": "it",
          "source": "InferenceX-app packages/constants/src/gpu-keys.ts after upstream PR #578 'correct GPU power & spec data' (2026-07-14): 'All-In (W)', chip + per-GPU share of host/NICs",
          "vintage": "2026-07"
        }
      }
    },
    "gb200": {
      "name": "NVIDIA GB200 NVL72 (per GPU)",
      "aliases": [
        "gb200nvl72",
        "gb200-nvl72"
      ],
      "tdp_w": {
        "value": 1200,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/gb200.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "hbm_gb": {
        "value": 186,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/gb200.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08",
        "note": "usable; 192 GB physical"
      },
      "hbm_tb_per_s": {
        "value": 8,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/gb200.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "system_max_kw_per_gpu": {
        "value": 1.6667,
        "source": "GB200 NVL72 rack about 120 kW (Supermicro figures via introl.com) / 72 GPUs",
        "vintage": "2025",
        "note": "secondary source; power shelves allow up to 132 kW"
      },
      "capex_usd_per_gpu": {
        "value": 45833.33,
        "source": "InferenceX v2 blog (inferencex-v2-nvidia-blackwell-vs-amd-vs-hopper.mdx l.584): an NVL72 rack 'can cost 3.3 million dollars' / 72",
        "vintage": "2026-02",
        "note": "compute hardware only; Bernstein puts the all-in rack at $5.9M incl. $2.5M facility"
      },
      "cost_usd_per_gpu_hour": {
        "2025-08": {
          "hyperscaler": {
            "value": 2.21,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "neocloud": {
            "value": 2.75,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "rental": {
            "value": 3.3,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          }
        },
        "2026-07": {
          "hyperscaler": {
            "value": 1.86,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "neocloud": {
            "value": 2.26,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "rental": {
            "value": 2.6,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          }
        }
      },
      "kw_per_gpu": {
        "2025-08": {
          "value": 2.1,
          "basis": "utility",
          "source": "SemiAnalysis Datacenter Industry Model 'All in Power/GPU' (all-in utility kW), as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
          "vintage": "2025-08"
        },
        "2026-07": {
          "value": 1.87,
          "basis": "it",
          "source": "InferenceX-app packages/constants/src/gpu-keys.ts after upstream PR #578 'correct GPU power & spec data' (2026-07-14): 'All-In (W)', chip + per-GPU share of host/NICs",
          "vintage": "2026-07"
        }
      }
    },
    "gb300": {
      "name": "NVIDIA GB300 NVL72 (per GPU)",
      "aliases": [
        "gb300nvl72",
        "gb300-nvl72"
      ],
      "tdp_w": {
        "value": 1400,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/gb300.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "hbm_gb": {
        "value": 278,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/gb300.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08",
        "note": "usable; 288 GB physical"
      },
      "hbm_tb_per_s": {
        "value": 8,
        "source": "ai-dynamo/aiconfigurator aic-core/src/aiconfigurator_core/systems/gb300.yaml; InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "cost_usd_per_gpu_hour": {
        "2025-08": {
          "hyperscaler": {
            "value": 2.652,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08",
            "note": "placeholder upstream: 1.2x GB200 pricing (power = GB200's)"
          },
          "neocloud": {
            "value": 3.3,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08",
            "note": "placeholder upstream: 1.2x GB200 pricing (power = GB200's)"
          },
          "rental": {
            "value": 3.96,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08",
            "note": "placeholder upstream: 1.2x GB200 pricing (power = GB200's)"
          }
        },
        "2026-07": {
          "hyperscaler": {
            "value": 2.31,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "neocloud": {
            "value": 2.79,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "rental": {
            "value": 3.3,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          }
        }
      },
      "kw_per_gpu": {
        "2025-08": {
          "value": 2.1,
          "basis": "utility",
          "source": "SemiAnalysis Datacenter Industry Model 'All in Power/GPU' (all-in utility kW), as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
          "vintage": "2025-08",
          "note": "placeholder upstream: = GB200"
        },
        "2026-07": {
          "value": 2.12,
          "basis": "it",
          "source": "InferenceX-app packages/constants/src/gpu-keys.ts after upstream PR #578 'correct GPU power & spec data' (2026-07-14): 'All-In (W)', chip + per-GPU share of host/NICs",
          "vintage": "2026-07"
        }
      }
    },
    "mi300x": {
      "name": "AMD Instinct MI300X",
      "aliases": [
        "mi300"
      ],
      "tdp_w": {
        "value": 750,
        "source": "InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP; MLPerf inference_results_v4.1 8xMI300X_2xEPYC-9374F.json ('MI300X-...-192GB-750W')",
        "vintage": "2026-08"
      },
      "hbm_gb": {
        "value": 192,
        "source": "InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP (HBM3)",
        "vintage": "2026-08"
      },
      "hbm_tb_per_s": {
        "value": 5.3,
        "source": "InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "cost_usd_per_gpu_hour": {
        "2025-08": {
          "hyperscaler": {
            "value": 1.12,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "neocloud": {
            "value": 1.4,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "rental": {
            "value": 1.55,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          }
        },
        "2026-07": {
          "hyperscaler": {
            "value": 0.95,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "neocloud": {
            "value": 1.16,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "rental": {
            "value": 1.3,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          }
        }
      },
      "kw_per_gpu": {
        "2025-08": {
          "value": 1.79,
          "basis": "utility",
          "source": "SemiAnalysis Datacenter Industry Model 'All in Power/GPU' (all-in utility kW), as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
          "vintage": "2025-08"
        },
        "2026-07": {
          "value": 1.39,
          "basis": "it",
          "source": "InferenceX-app packages/constants/src/gpu-keys.ts after upstream PR #578 'correct GPU power & spec data' (2026-07-14): 'All-In (W)', chip + per-GPU share of host/NICs",
          "vintage": "2026-07"
        }
      }
    },
    "mi325x": {
      "name": "AMD Instinct MI325X",
      "aliases": [
        "mi325"
      ],
      "tdp_w": {
        "value": 1000,
        "source": "InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "hbm_gb": {
        "value": 256,
        "source": "InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP (HBM3E)",
        "vintage": "2026-08"
      },
      "hbm_tb_per_s": {
        "value": 6.0,
        "source": "InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "cost_usd_per_gpu_hour": {
        "2025-08": {
          "hyperscaler": {
            "value": 1.28,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "neocloud": {
            "value": 1.59,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "rental": {
            "value": 1.8,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          }
        },
        "2026-07": {
          "hyperscaler": {
            "value": 1.1,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "neocloud": {
            "value": 1.32,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "rental": {
            "value": 1.6,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          }
        }
      },
      "kw_per_gpu": {
        "2025-08": {
          "value": 2.18,
          "basis": "utility",
          "source": "SemiAnalysis Datacenter Industry Model 'All in Power/GPU' (all-in utility kW), as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
          "vintage": "2025-08"
        },
        "2026-07": {
          "value": 1.69,
          "basis": "it",
          "source": "InferenceX-app packages/constants/src/gpu-keys.ts after upstream PR #578 'correct GPU power & spec data' (2026-07-14): 'All-In (W)', chip + per-GPU share of host/NICs",
          "vintage": "2026-07"
        }
      }
    },
    "mi355x": {
      "name": "AMD Instinct MI355X",
      "aliases": [
        "mi355"
      ],
      "tdp_w": {
        "value": 1400,
        "source": "InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP (TBP, liquid cooled)",
        "vintage": "2026-08"
      },
      "hbm_gb": {
        "value": 288,
        "source": "InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP (HBM3E)",
        "vintage": "2026-08"
      },
      "hbm_tb_per_s": {
        "value": 8.0,
        "source": "InferenceX-app packages/app/src/lib/gpu-specs.ts and GPU_TDP_MAP",
        "vintage": "2026-08"
      },
      "cost_usd_per_gpu_hour": {
        "2025-08": {
          "hyperscaler": {
            "value": 1.48,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "neocloud": {
            "value": 1.9,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          },
          "rental": {
            "value": 2.1,
            "source": "SemiAnalysis Market August 2025 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
            "vintage": "2025-08"
          }
        },
        "2026-07": {
          "hyperscaler": {
            "value": 1.5,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "neocloud": {
            "value": 2.09,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          },
          "rental": {
            "value": 2.1,
            "source": "SemiAnalysis Market July 2026 Pricing Surveys & AI Cloud TCO Model, as published in InferenceX-app packages/constants/src/tco.ts (upstream PR #659 'Update TCO to July' and #661, 2026-07-31)",
            "vintage": "2026-07"
          }
        }
      },
      "kw_per_gpu": {
        "2025-08": {
          "value": 2.65,
          "basis": "utility",
          "source": "SemiAnalysis Datacenter Industry Model 'All in Power/GPU' (all-in utility kW), as published in InferenceX-app packages/app/src/lib/constants.ts GPU_SPECS (commit 77ca49a)",
          "vintage": "2025-08"
        },
        "2026-07": {
          "value": 2.09,
          "basis": "it",
          "source": "InferenceX-app packages/constants/src/gpu-keys.ts after upstream PR #578 'correct GPU power & spec data' (2026-07-14): 'All-In (W)', chip + per-GPU share of host/NICs",
          "vintage": "2026-07"
        }
      }
    },
    "tpu7x": {
      "name": "Google TPU7x (Ironwood)",
      "aliases": [
        "tpuv7",
        "ironwood"
      ],
      "tdp_w": {
        "value": 980,
        "source": "InferenceX-app HW_REGISTRY, later version (adds tpuv7, vr200), corroborated by Duyi-Wang/InferenceXCurve src/inferenceXTcoSync.ts",
        "vintage": "2026-08"
      },
      "hbm_gb": {
        "value": 206.2,
        "source": "docs.cloud.google.com/tpu/docs/tpu7x: 192 GiB per chip",
        "vintage": "2026",
        "note": "192 GiB = 206.2 GB"
      },
      "hbm_tb_per_s": {
        "value": 7.4,
        "source": "docs.cloud.google.com/tpu/docs/tpu7x",
        "vintage": "2026",
        "note": "approximate; not confirmed in the excerpt read"
      },
      "cost_usd_per_gpu_hour": {
        "2026-07": {
          "hyperscaler": {
            "value": 1.03,
            "source": "InferenceX-app HW_REGISTRY, later version (adds tpuv7, vr200), corroborated by Duyi-Wang/InferenceXCurve src/inferenceXTcoSync.ts",
            "vintage": "2026-07",
            "note": "Google-internal owning cost (InferenceX default basis 'internal'); external 1.21"
          },
          "rental": {
            "value": 2.0,
            "source": "InferenceX-app HW_REGISTRY, later version (adds tpuv7, vr200), corroborated by Duyi-Wang/InferenceXCurve src/inferenceXTcoSync.ts",
            "vintage": "2026-07",
            "note": "GCP 3-year commitment"
          }
        }
      },
      "kw_per_gpu": {
        "2026-07": {
          "value": 1.207,
          "basis": "it",
          "source": "InferenceX-app HW_REGISTRY, later version (adds tpuv7, vr200), corroborated by Duyi-Wang/InferenceXCurve src/inferenceXTcoSync.ts",
          "vintage": "2026-07"
        }
      }
    },
    "vr200": {
      "name": "NVIDIA Vera Rubin (VR200)",
      "aliases": [
        "rubin"
      ],
      "tdp_w": {
        "value": 1800,
        "source": "InferenceX-app HW_REGISTRY, later version (adds tpuv7, vr200), corroborated by Duyi-Wang/InferenceXCurve src/inferenceXTcoSync.ts",
        "vintage": "2026-08"
      },
      "cost_usd_per_gpu_hour": {
        "2026-07": {
          "hyperscaler": {
            "value": 3.61,
            "source": "InferenceX-app HW_REGISTRY, later version (adds tpuv7, vr200), corroborated by Duyi-Wang/InferenceXCurve src/inferenceXTcoSync.ts",
            "vintage": "2026-07"
          }
        }
      },
      "kw_per_gpu": {
        "2026-07": {
          "value": 3.3,
          "basis": "it",
          "source": "InferenceX-app HW_REGISTRY, later version (adds tpuv7, vr200), corroborated by Duyi-Wang/InferenceXCurve src/inferenceXTcoSync.ts",
          "vintage": "2026-07"
        }
      }
    }
  }
}
)inferlens_json";
inline constexpr std::string_view accelerators_json(accelerators_json_text, sizeof accelerators_json_text - 1);
}  // namespace detail
INFERLENS_END_NAMESPACE
