// The OpenAI-compatible request side: endpoint URLs and request bodies for streamed
// /v1/completions and /v1/chat/completions. Bodies are built before a run starts, so no JSON is
// written on the timing path. No Boost.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "inferlens/error.hpp"
#include "inferlens/loadgen/workload.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// Which OpenAI API a run drives.
enum class api_kind { completions, chat };

inline std::optional<api_kind> parse_api_kind(std::string_view s) noexcept {
  if (s == "completions" || s == "openai" || s == "openai-completions") return api_kind::completions;
  if (s == "chat" || s == "chat-completions" || s == "openai-chat") return api_kind::chat;
  return std::nullopt;
}
inline std::string_view to_string(api_kind a) noexcept { return a == api_kind::chat ? "chat" : "completions"; }

/// How prompts go on the wire. Token ids avoid any client/server tokenizer mismatch; only
/// /v1/completions accepts them.
enum class prompt_format {
  automatic,  ///< token ids for completions (if the server takes them: the runner probes), text for chat
  token_ids,
  text,
};

inline std::optional<prompt_format> parse_prompt_format(std::string_view s) noexcept {
  if (s == "auto") return prompt_format::automatic;
  if (s == "ids" || s == "token-ids" || s == "token_ids") return prompt_format::token_ids;
  if (s == "text") return prompt_format::text;
  return std::nullopt;
}

/// Where requests go.
struct endpoint {
  bool tls = false;
  std::string host;         ///< name or address (IPv6 without brackets)
  std::uint16_t port = 80;
  std::string path;         ///< full request path, e.g. /v1/completions
  std::string host_header;  ///< Host header value
  std::string models_path;  ///< the same API's model list, e.g. /v1/models
  /// "http://host:port" as given (IPv6 in brackets), for messages.
  std::string origin() const { return (tls ? "https://" : "http://") + host_header_with_port(); }
  std::string host_header_with_port() const {
    const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return h + ":" + std::to_string(port);
  }
};

/// Parse a base URL: "http://127.0.0.1:8000", ".../v1", or a full ".../v1/completions" path
/// (kept as given). Throws input_error on anything else.
inline endpoint parse_endpoint(std::string_view url, api_kind api) {
  const input_location where{"--url", {}, {}, std::string(url)};
  endpoint e;
  std::string_view rest = url;
  if (rest.substr(0, 7) == "http://") {
    rest.remove_prefix(7);
  } else if (rest.substr(0, 8) == "https://") {
    rest.remove_prefix(8);
    e.tls = true;
  } else {
    throw input_error(where, "URL must start with http:// or https://");
  }
  e.port = e.tls ? 443 : 80;
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) throw input_error(where, "credentials in the URL are not supported; use --api-key");
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) throw input_error(where, "unterminated IPv6 address");
    e.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw input_error(where, "expected ':' after the IPv6 address");
      port_text = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    e.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (e.host.empty()) throw input_error(where, "missing host");
  if (!port_text.empty()) {
    unsigned p = 0;
    const auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (r.ec != std::errc{} || r.ptr != port_text.data() + port_text.size() || p == 0 || p > 65535)
      throw input_error(where, "bad port '" + std::string(port_text) + "'");
    e.port = static_cast<std::uint16_t>(p);
  }
  const bool default_port = e.port == (e.tls ? 443 : 80);
  const std::string host_part = e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host;
  e.host_header = default_port ? host_part : host_part + ":" + std::to_string(e.port);

  std::string p(path);
  if (const auto q = p.find_first_of("?#"); q != std::string::npos) p.erase(q);
  while (!p.empty() && p.back() == '/') p.pop_back();
  const std::string_view tail = api == api_kind::chat ? "/chat/completions" : "/completions";
  const auto ends_with = [](std::string_view a, std::string_view b) { return a.size() >= b.size() && a.substr(a.size() - b.size()) == b; };
  std::string base;  // up to and including /v1 (or the API's root)
  if (ends_with(p, "/completions")) {
    e.path = p;  // an explicit endpoint path
    base = p.substr(0, p.size() - (ends_with(p, "/chat/completions") ? 17 : 12));
  } else if (ends_with(p, "/v1")) {
    base = p;
    e.path = p + std::string(tail);
  } else {
    base = p + "/v1";
    e.path = base + std::string(tail);
  }
  e.models_path = base + "/models";
  return e;
}

/// What every request of a run carries besides its prompt.
struct request_options {
  api_kind api = api_kind::completions;
  std::string model;
  /// Sampling temperature; set explicitly (vLLM's client stopped forcing 0 and servers differ).
  std::optional<double> temperature = 0.0;
  bool ignore_eos = true;        ///< ask for exactly max_tokens (vLLM, SGLang, TRT-LLM honour it)
  bool include_usage = true;     ///< stream_options.include_usage: the server's token counts
  bool continuous_usage = false; ///< stream_options.continuous_usage_stats (vLLM, SGLang): tokens per chunk
  /// Merged into every body last (RFC 7386 merge patch: null removes a key).
  nlohmann::json extra_body = nlohmann::json::object();
  std::string api_key;  ///< sent as "Authorization: Bearer ..."
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra request headers
};

/// The JSON body of one request. `as_token_ids` sends the prompt as ids (completions only).
inline std::string build_body(const prompt& p, const request_options& o, bool as_token_ids) {
  nlohmann::json j;
  j["model"] = o.model;
  if (o.api == api_kind::chat) {
    j["messages"] = nlohmann::json::array({{{"role", "user"}, {"content", prompt_text(p)}}});
    // vLLM's client sends max_completion_tokens; older servers read only max_tokens.
    j["max_completion_tokens"] = p.output_len;
    j["max_tokens"] = p.output_len;
  } else {
    if (as_token_ids && !p.token_ids.empty()) j["prompt"] = p.token_ids;
    else j["prompt"] = prompt_text(p);
    j["max_tokens"] = p.output_len;
  }
  if (o.temperature) j["temperature"] = *o.temperature;
  if (o.ignore_eos) j["ignore_eos"] = true;
  j["stream"] = true;
  if (o.include_usage || o.continuous_usage) {
    nlohmann::json so = nlohmann::json::object();
    if (o.include_usage) so["include_usage"] = true;
    if (o.continuous_usage) so["continuous_usage_stats"] = true;
    j["stream_options"] = so;
  }
  if (o.extra_body.is_object() && !o.extra_body.empty()) j.merge_patch(o.extra_body);
  return j.dump();
}

/// The request head up to (not including) Content-Length: method, path and fixed headers.
/// Without keep-alive every request asks the server to close the connection after it.
inline std::string build_request_head(const endpoint& e, const request_options& o, bool keep_alive = true,
                                      std::string_view method = "POST", std::string_view path = {}) {
  std::string h = std::string(method) + " " + std::string(path.empty() ? std::string_view(e.path) : path) +
                  " HTTP/1.1\r\nHost: " + e.host_header + "\r\nUser-Agent: inferlens-loadgen/" INFERLENS_VERSION_STRING "\r\n";
  if (method == "POST") h += "Content-Type: application/json\r\nAccept: text/event-stream\r\n";
  if (!keep_alive) h += "Connection: close\r\n";
  if (!o.api_key.empty()) h += "Authorization: Bearer " + o.api_key + "\r\n";
  for (const auto& [k, v] : o.headers) h += k + ": " + v + "\r\n";
  return h;
}

/// What a `Keep-Alive: timeout=5, max=100` response header promises (RFC 2068 §19.7.1).
struct keep_alive_hint {
  std::optional<double> timeout_s;   ///< an idle connection is closed after this long
  std::optional<std::int64_t> max;   ///< requests left on the connection, this one included
};

inline keep_alive_hint parse_keep_alive(std::string_view v) {
  keep_alive_hint h;
  while (!v.empty()) {
    const std::size_t comma = v.find(',');
    std::string_view item = v.substr(0, comma);
    v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = item.substr(0, eq), val = item.substr(eq + 1);
    std::int64_t n = 0;
    const auto r = std::from_chars(val.data(), val.data() + val.size(), n);
    if (r.ec != std::errc{} || n < 0) continue;
    if (key == "timeout") h.timeout_s = static_cast<double>(n);
    else if (key == "max") h.max = n;
  }
  return h;
}

/// The message of an error response body: OpenAI's {"error": {"message": ...}}, {"error": "..."},
/// {"message": ...} or FastAPI's {"detail": ...}; else the body itself. At most 300 bytes.
inline std::string error_body_message(std::string_view body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string out;
  if (j.is_object()) {
    const auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : std::string(); };
    if (const auto e = j.find("error"); e != j.end()) {
      out = e->is_object() && e->contains("message") ? text((*e)["message"]) : text(*e);
    }
    if (out.empty() && j.contains("message")) out = text(j["message"]);
    if (out.empty() && j.contains("detail"))
      out = j["detail"].is_string() ? j["detail"].get<std::string>()
                                    : j["detail"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (out.empty()) out.assign(body);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
  if (out.size() > 300) {
    std::size_t n = 300;
    while (n > 0 && (static_cast<unsigned char>(out[n]) & 0xC0) == 0x80) --n;
    out.resize(n);
    out += "...";
  }
  return out;
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
