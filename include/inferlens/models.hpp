// Model identities: which base model a result row belongs to. InferenceMAX rows name one model
// in many ways (`openai/gpt-oss-120b` and `/mnt/lustre01/models/gpt-oss-120b`; six spellings of
// DeepSeek-R1); grouped by the raw string one system would split in two. The canonical name
// comes from InferenceMAX's model prefix where a row has one, else from the checkpoint name
// without path, organisation or Hugging Face cache wrapping, through the alias table shipped as
// data/models.json (embedded: no file is read at run time).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inferlens/detail/json.hpp"
#include "inferlens/detail/models_data.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/error.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// Multi-head latent attention (DeepSeek-V3/R1): what one token caches per layer is a latent of
/// kv_lora_rank plus a rotary key of qk_rope_head_dim, shared by every head.
struct mla_dims {
  std::int64_t kv_lora_rank = 0, qk_rope_head_dim = 0, qk_nope_head_dim = 0, v_head_dim = 0;
};

/// What the physical bound and the calibrated model need of a model (data/models.json
/// "architecture"). A dense model has experts == 0 and active_parameters == parameters.
struct model_architecture {
  double parameters = 0;         ///< all weights
  double active_parameters = 0;  ///< weights one token uses (MoE: shared + experts_per_token experts)
  std::int64_t layers = 0, hidden_size = 0, attention_heads = 0, kv_heads = 0, head_dim = 0;
  std::int64_t experts = 0, experts_per_token = 0, moe_layers = 0;  ///< routed experts (0: dense)
  std::int64_t sliding_window = 0, sliding_window_layers = 0;     ///< banded-attention layers keep at most sliding_window tokens
  std::optional<mla_dims> mla;
  double kv_bytes_per_token_bf16 = 0;  ///< KV cache per token of context, all layers, 16-bit
  double kv_bytes_per_token_fp8 = 0;   ///< the same in 8 bits
  std::string source;

  INFERLENS_LAZY bool moe() const noexcept { return experts > 0 && experts_per_token > 0 && moe_layers > 0; }
  /// Parameters of one routed expert in one layer: (all - active) / ((experts - per token) * MoE layers).
  INFERLENS_LAZY double expert_parameters() const noexcept {
    if (!moe() || experts <= experts_per_token) return 0;
    return (parameters - active_parameters) / static_cast<double>((experts - experts_per_token) * moe_layers);
  }
  /// Parameters every token uses whatever the routing (attention, dense layers, shared experts).
  INFERLENS_LAZY double shared_parameters() const noexcept {
    return active_parameters - expert_parameters() * static_cast<double>(experts_per_token * moe_layers);
  }
  /// KV elements one token of context adds over all layers: 2 x layers x KV heads x head dim,
  /// or layers x (latent + rotary key) with MLA.
  INFERLENS_LAZY double kv_elements_per_token() const noexcept {
    if (mla) return static_cast<double>(layers * (mla->kv_lora_rank + mla->qk_rope_head_dim));
    return static_cast<double>(2 * layers * kv_heads * head_dim);
  }
  /// Attention FLOPs per token of context per decoded token, all layers: 2 x heads x (query-key
  /// width + value width) x layers (MLA in its absorbed form: latent + rotary, and latent).
  INFERLENS_LAZY double attention_flops_per_context_token() const noexcept {
    const double qk = mla ? static_cast<double>(mla->kv_lora_rank + mla->qk_rope_head_dim) : static_cast<double>(head_dim);
    const double v = mla ? static_cast<double>(mla->kv_lora_rank) : static_cast<double>(head_dim);
    return 2.0 * static_cast<double>(attention_heads) * (qk + v) * static_cast<double>(layers);
  }
};

/// One base model and the names it goes by.
struct model_identity {
  std::string name;                          ///< canonical, e.g. "DeepSeek-R1"
  std::vector<std::string> inferencemax_prefixes;  ///< e.g. "dsr1"
  std::vector<std::string> aliases;          ///< checkpoint base names, case-insensitive
  std::string source;
  std::optional<model_architecture> architecture;  ///< where data/models.json gives it
};

namespace detail {

/// The base name of a checkpoint: without directories, the organisation, a Hugging Face cache's
/// "models--org--name/snapshots/<hash>" wrapping, or a trailing '/'.
INFERLENS_LAZY std::string checkpoint_base_name(std::string_view raw) {
  std::string s(trim(raw));
  while (!s.empty() && s.back() == '/') s.pop_back();
  if (const auto at = s.find("models--"); at != std::string::npos) {
    std::string rest = s.substr(at + 8);
    if (const auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
    if (const auto sep = rest.rfind("--"); sep != std::string::npos) rest = rest.substr(sep + 2);
    return rest;
  }
  if (const auto slash = s.rfind('/'); slash != std::string::npos) s = s.substr(slash + 1);
  return s;
}

template <class Fail>
model_architecture parse_architecture(const json_node& a, const std::string& field, const Fail& fail) {
  if (!a.is_object()) fail(field, "expected an object");
  const auto num = [&](const json_node& o, const std::string& f, std::string_view key, bool required) -> double {
    const json_node* v = o.find(key);
    if (!v) {
      if (required) fail(f + "." + std::string(key), "required");
      return 0;
    }
    if (!v->is_number() || !(v->number() >= 0)) fail(f + "." + std::string(key), "expected a non-negative number");
    return v->number();
  };
  const auto count = [&](const json_node& o, const std::string& f, std::string_view key, bool required) {
    const double v = num(o, f, key, required);
    if (v != static_cast<double>(static_cast<std::int64_t>(v))) fail(f + "." + std::string(key), "expected a whole number");
    return static_cast<std::int64_t>(v);
  };
  model_architecture m;
  m.parameters = num(a, field, "parameters", true);
  m.active_parameters = a.find("active_parameters") ? num(a, field, "active_parameters", true) : m.parameters;
  if (m.parameters <= 0) fail(field + ".parameters", "expected a positive number");
  if (m.active_parameters <= 0 || m.active_parameters > m.parameters)
    fail(field + ".active_parameters", "expected a positive number no larger than parameters");
  m.layers = count(a, field, "layers", true);
  m.hidden_size = count(a, field, "hidden_size", true);
  m.attention_heads = count(a, field, "attention_heads", true);
  m.kv_heads = count(a, field, "kv_heads", true);
  m.head_dim = count(a, field, "head_dim", true);
  for (auto [v, key] : {std::pair{m.layers, "layers"}, std::pair{m.hidden_size, "hidden_size"},
                        std::pair{m.attention_heads, "attention_heads"}, std::pair{m.kv_heads, "kv_heads"},
                        std::pair{m.head_dim, "head_dim"}})
    if (v <= 0) fail(field + "." + key, "expected a positive whole number");
  m.experts = count(a, field, "experts", false);
  m.experts_per_token = count(a, field, "experts_per_token", false);
  m.moe_layers = count(a, field, "moe_layers", false);
  if (m.experts > 0 && (m.experts_per_token <= 0 || m.experts_per_token > m.experts))
    fail(field + ".experts_per_token", "expected between 1 and experts");
  if (m.experts > 0 && (m.moe_layers <= 0 || m.moe_layers > m.layers)) fail(field + ".moe_layers", "expected between 1 and layers");
  m.sliding_window = count(a, field, "sliding_window", false);
  m.sliding_window_layers = count(a, field, "sliding_window_layers", false);
  if (m.sliding_window_layers > m.layers) fail(field + ".sliding_window_layers", "expected at most layers");
  if (const json_node* l = a.find("mla")) {
    if (!l->is_object()) fail(field + ".mla", "expected an object");
    mla_dims d;
    d.kv_lora_rank = count(*l, field + ".mla", "kv_lora_rank", true);
    d.qk_rope_head_dim = count(*l, field + ".mla", "qk_rope_head_dim", true);
    d.qk_nope_head_dim = count(*l, field + ".mla", "qk_nope_head_dim", false);
    d.v_head_dim = count(*l, field + ".mla", "v_head_dim", false);
    m.mla = d;
  }
  const json_node* kv = a.find("kv_bytes_per_token");
  if (!kv || !kv->is_object()) fail(field + ".kv_bytes_per_token", "expected an object of bytes per KV precision (bf16, fp8)");
  m.kv_bytes_per_token_bf16 = num(*kv, field + ".kv_bytes_per_token", "bf16", true);
  m.kv_bytes_per_token_fp8 = num(*kv, field + ".kv_bytes_per_token", "fp8", true);
  if (m.kv_bytes_per_token_bf16 <= 0 || m.kv_bytes_per_token_fp8 <= 0)
    fail(field + ".kv_bytes_per_token", "expected positive byte counts");
  if (const json_node* src = a.find("source"); src && src->is_string()) m.source = src->text;
  if (m.source.empty()) fail(field + ".source", "every architecture names its source");
  return m;
}

/// One of the library's data documents (models, accelerator specs): its JSON tree, after checking
/// that its "format" names `format`. Errors name `origin`, the byte or the field.
INFERLENS_LAZY json_node parse_data_document(std::string_view text, const std::string& origin, std::string_view format) {
  json_node doc;
  try {
    doc = parse_json(text);
  } catch (const json_syntax_error& e) {
    throw input_error({origin, std::nullopt, e.byte, {}}, e.message);
  }
  const json_node* f = doc.find("format");
  if (!f || f->text != format)
    throw input_error({origin, std::nullopt, std::nullopt, "format"}, "expected \"" + std::string(format) + "\"");
  return doc;
}

INFERLENS_LAZY std::vector<model_identity> parse_models(std::string_view text, const std::string& origin) {
  const auto fail = [&](const std::string& field, const std::string& m) -> void {
    throw input_error({origin, std::nullopt, std::nullopt, field}, m);
  };
  const json_node doc = parse_data_document(text, origin, "inferlens-models");
  const json_node* models = doc.find("models");
  if (!models || !models->is_object()) fail("models", "expected an object of models");
  std::vector<model_identity> out;
  const auto strings = [&](const json_node& m, const std::string& key, const std::string& field) {
    std::vector<std::string> v;
    const json_node* a = m.find(key);
    if (!a) return v;
    if (!a->is_array()) fail(field + "." + key, "expected an array of strings");
    for (const json_node& s : a->children) {
      if (!s.is_string()) fail(field + "." + key, "expected an array of strings");
      v.push_back(s.text);
    }
    return v;
  };
  for (std::size_t i = 0; i < models->keys.size(); ++i) {
    const json_node& m = models->children[i];
    const std::string field = "models." + models->keys[i];
    if (!m.is_object()) fail(field, "expected an object");
    model_identity id{models->keys[i], strings(m, "inferencemax_prefix", field), strings(m, "aliases", field), {}, std::nullopt};
    if (const json_node* s = m.find("source"); s && s->is_string()) id.source = s->text;
    if (id.source.empty()) fail(field + ".source", "every model names its source");
    if (const json_node* a = m.find("architecture")) id.architecture = parse_architecture(*a, field + ".architecture", fail);
    out.push_back(std::move(id));
  }
  return out;
}

}  // namespace detail

/// The models the library knows (data/models.json, embedded).
INFERLENS_LAZY const std::vector<model_identity>& known_models() {
  static const std::vector<model_identity> models = detail::parse_models(detail::models_json, "data/models.json");
  return models;
}

/// The known model a name or InferenceMAX prefix denotes, or nullptr.
INFERLENS_LAZY const model_identity* find_model(std::string_view raw, std::string_view inferencemax_prefix = {}) {
  if (!inferencemax_prefix.empty())
    for (const model_identity& m : known_models())
      for (const std::string& p : m.inferencemax_prefixes)
        if (detail::iequals(p, detail::trim(inferencemax_prefix))) return &m;
  const std::string base = detail::checkpoint_base_name(raw);
  for (const model_identity& m : known_models()) {
    if (detail::iequals(m.name, base)) return &m;
    for (const std::string& a : m.aliases)
      if (detail::iequals(a, base)) return &m;
  }
  return nullptr;
}

/// The canonical base model of a checkpoint name or path (and InferenceMAX model prefix): the
/// known model's name, else the checkpoint's base name as written.
INFERLENS_LAZY std::string canonical_model(std::string_view raw, std::string_view inferencemax_prefix = {}) {
  if (const model_identity* m = find_model(raw, inferencemax_prefix)) return m->name;
  return detail::checkpoint_base_name(raw);
}

INFERLENS_END_NAMESPACE
