// Model identities: which base model a result row belongs to. InferenceMAX rows name one model
// in many ways (`openai/gpt-oss-120b` and `/mnt/lustre01/models/gpt-oss-120b`; six spellings of
// DeepSeek-R1); grouped by the raw string one system would split in two. The canonical name
// comes from InferenceMAX's model prefix where a row has one, else from the checkpoint name
// without path, organisation or Hugging Face cache wrapping, through the alias table shipped as
// data/models.json (embedded: no file is read at run time).
#pragma once

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

/// One base model and the names it goes by.
struct model_identity {
  std::string name;                          ///< canonical, e.g. "DeepSeek-R1"
  std::vector<std::string> inferencemax_prefixes;  ///< e.g. "dsr1"
  std::vector<std::string> aliases;          ///< checkpoint base names, case-insensitive
  std::string source;
};

namespace detail {

/// The base name of a checkpoint: without directories, the organisation, a Hugging Face cache's
/// "models--org--name/snapshots/<hash>" wrapping, or a trailing '/'.
inline std::string checkpoint_base_name(std::string_view raw) {
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

inline std::vector<model_identity> parse_models(std::string_view text, const std::string& origin) {
  const auto fail = [&](const std::string& field, const std::string& m) -> void {
    throw input_error({origin, std::nullopt, std::nullopt, field}, m);
  };
  json_node doc;
  try {
    doc = parse_json(text);
  } catch (const json_syntax_error& e) {
    throw input_error({origin, std::nullopt, e.byte, {}}, e.message);
  }
  const json_node* format = doc.find("format");
  if (!format || format->text != "inferlens-models") fail("format", "expected \"inferlens-models\"");
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
    model_identity id{models->keys[i], strings(m, "inferencemax_prefix", field), strings(m, "aliases", field), {}};
    if (const json_node* s = m.find("source"); s && s->is_string()) id.source = s->text;
    if (id.source.empty()) fail(field + ".source", "every model names its source");
    out.push_back(std::move(id));
  }
  return out;
}

}  // namespace detail

/// The models the library knows (data/models.json, embedded).
inline const std::vector<model_identity>& known_models() {
  static const std::vector<model_identity> models = detail::parse_models(detail::models_json, "data/models.json");
  return models;
}

/// The known model a name or InferenceMAX prefix denotes, or nullptr.
inline const model_identity* find_model(std::string_view raw, std::string_view inferencemax_prefix = {}) {
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
inline std::string canonical_model(std::string_view raw, std::string_view inferencemax_prefix = {}) {
  if (const model_identity* m = find_model(raw, inferencemax_prefix)) return m->name;
  return detail::checkpoint_base_name(raw);
}

INFERLENS_END_NAMESPACE
