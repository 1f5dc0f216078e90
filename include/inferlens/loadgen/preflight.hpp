// Before a run, ask the server what it is: GET /v1/models (which models, their context length),
// then one tiny request to the endpoint itself (does it answer, does it know the model, does it
// take token ids). Failures come back as one clear sentence: "cannot reach ...: connect:
// Connection refused", "tls: certificate verify failed ...", "HTTP 404: The model ...".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "inferlens/loadgen/client.hpp"
#include "inferlens/loadgen/detail/asio.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// One entry of /v1/models.
struct server_model {
  std::string id;
  std::optional<std::int64_t> max_model_len;  ///< vLLM, SGLang and the simulator say it
};

/// What the pre-flight found.
struct preflight_result {
  bool ok = false;
  std::string message;  ///< why not (empty when ok)
  int models_status = 0;               ///< HTTP status of GET /v1/models (0: no answer)
  std::vector<server_model> models;    ///< what it listed
  std::string server;                  ///< its Server header, if any
  std::string model;                   ///< the model to request (given, or the only one listed)
  std::optional<std::int64_t> max_model_len;  ///< of that model, when listed
  bool token_ids = false;              ///< the completions endpoint took token ids
  request_record probe;                ///< the endpoint request
};

namespace detail {

struct get_response {
  int status = 0;
  std::string body, server;
  error_kind error = error_kind::none;
  std::string message;
};

template <class Stream>
net::awaitable<void> get_once(net::io_context* ioc, Stream* stream, const tcp::resolver::results_type* addresses,
                              std::string request, const endpoint* ep, bool verify, std::chrono::milliseconds limit,
                              get_response* out) {
  net::steady_timer timer(*ioc);
  bool expired = false;
  timer.expires_after(limit.count() > 0 ? limit : std::chrono::milliseconds(max_timeout));
  timer.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    expired = true;
    boost::system::error_code ignored;
    lowest(*stream).close(ignored);
  });
  auto connect_op = net::async_connect(lowest(*stream), *addresses, use_tuple);
  auto connected = co_await std::move(connect_op);
  if (std::get<0>(connected)) {
    out->error = expired ? error_kind::connect_timeout : error_kind::connect;
    out->message = expired ? "no connection within the connect timeout" : "connect: " + std::get<0>(connected).message();
    timer.cancel();
    co_return;
  }
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  if constexpr (is_tls<Stream>) {
    SSL_set_tlsext_host_name(stream->native_handle(), ep->host.c_str());
    if (verify) stream->set_verify_callback(net::ssl::host_name_verification(ep->host));
    auto handshake_op = stream->async_handshake(net::ssl::stream_base::client, use_tuple);
    auto shaken = co_await std::move(handshake_op);
    if (std::get<0>(shaken)) {
      out->error = error_kind::tls;
      out->message = "tls: " + std::get<0>(shaken).message();
      timer.cancel();
      co_return;
    }
  }
#endif
  (void)ep;
  (void)verify;
  auto write_op = net::async_write(*stream, net::buffer(request), use_tuple);
  auto written = co_await std::move(write_op);
  if (std::get<0>(written)) {
    out->error = error_kind::write;
    out->message = "write: " + std::get<0>(written).message();
    timer.cancel();
    co_return;
  }
  boost::beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::uint64_t{8} << 20);
  auto read_op = http::async_read(*stream, buf, parser, use_tuple);
  auto got = co_await std::move(read_op);
  timer.cancel();
  if (std::get<0>(got)) {
    out->error = expired ? error_kind::first_token_timeout : error_kind::connection_reset;
    out->message = expired ? "no answer in time" : "read: " + std::get<0>(got).message();
    co_return;
  }
  out->status = static_cast<int>(parser.get().result_int());
  out->body = parser.get().body();
  const auto server = parser.get()[http::field::server];
  out->server.assign(server.data(), server.size());
}

template <class Stream>
get_response http_get(const client_options& o, const endpoint& ep, const std::string& path) {
  net::io_context ioc{1};
  tcp::resolver resolver(ioc);
  boost::system::error_code rec;
  const auto addresses = resolver.resolve(ep.host, std::to_string(ep.port), rec);
  get_response out;
  if (rec) {
    out.error = error_kind::connect;
    out.message = "cannot resolve " + ep.host + ": " + rec.message();
    return out;
  }
  std::string request = build_request_head(ep, o.request, false, "GET", path) + "Accept: application/json\r\n\r\n";
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  std::optional<net::ssl::context> tls;
  if constexpr (is_tls<Stream>) {
    tls.emplace(net::ssl::context::tls_client);
    tls->set_default_verify_paths();
    if (!o.ca_file.empty()) {
      boost::system::error_code ec;
      tls->load_verify_file(o.ca_file, ec);
      if (ec) throw input_error({"--ca-file", {}, {}, o.ca_file}, "cannot load certificates: " + ec.message());
    }
    tls->set_verify_mode(o.verify_tls ? net::ssl::verify_peer : net::ssl::verify_none);
    Stream stream(ioc, *tls);
    net::co_spawn(ioc, get_once<Stream>(&ioc, &stream, &addresses, request, &ep, o.verify_tls, o.timeout.connect + std::chrono::seconds(30), &out),
                  &rethrow_on_error<Stream>);
    ioc.run();
    return out;
  }
#endif
  if constexpr (!is_tls<Stream>) {
    Stream stream(ioc);
    net::co_spawn(ioc, get_once<Stream>(&ioc, &stream, &addresses, request, &ep, o.verify_tls, o.timeout.connect + std::chrono::seconds(30), &out),
                  &rethrow_on_error<Stream>);
    ioc.run();
  }
  return out;
}

inline std::vector<server_model> parse_models(const std::string& body) {
  std::vector<server_model> out;
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  const nlohmann::json* data = j.is_object() && j.contains("data") ? &j["data"] : (j.is_array() ? &j : nullptr);
  if (!data || !data->is_array()) return out;
  for (const auto& m : *data) {
    if (!m.is_object() || !m.contains("id") || !m["id"].is_string()) continue;
    server_model sm;
    store_text(sm.id, m["id"].get<std::string>(), 512);
    if (const auto l = m.find("max_model_len"); l != m.end() && l->is_number_integer()) sm.max_model_len = l->get<std::int64_t>();
    out.push_back(std::move(sm));
  }
  return out;
}

inline std::string model_list(const std::vector<server_model>& models) {
  std::string s;
  for (std::size_t i = 0; i < models.size() && i < 8; ++i) s += (i ? ", " : "") + models[i].id;
  if (models.size() > 8) s += ", ...";
  return s;
}

}  // namespace detail

/// The pre-flight: reach the server, learn its models (choosing the model when `o` names none
/// and the server lists exactly one), check that the longest request (`longest_tokens`, prompt
/// + output; 0: unchecked) fits the context it lists, and send one request of one output token
/// to the endpoint in `sample`'s form. `ok` is false, with a sentence in `message`, when the run
/// would fail.
inline preflight_result preflight(client_options o, const prompt& sample, std::int64_t longest_tokens = 0) {
  preflight_result res;
  const endpoint ep = parse_endpoint(o.url, o.request.api);
  validate(o);
  detail::get_response models;
  if (ep.tls) {
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
    models = detail::http_get<detail::tls_stream>(o, ep, ep.models_path);
#else
    throw input_error({"--url", {}, {}, o.url}, "https needs the load generator built with INFERLENS_LOADGEN_TLS");
#endif
  } else {
    models = detail::http_get<detail::plain_stream>(o, ep, ep.models_path);
  }
  if (models.error != error_kind::none) {
    res.message = "cannot reach " + ep.origin() + ": " + models.message;
    if (models.error == error_kind::tls)
      res.message += o.ca_file.empty() ? " (--ca-file PEM to trust its certificate authority, or --insecure)" : "";
    return res;
  }
  res.models_status = models.status;
  store_text(res.server, models.server, 200);
  if (models.status == 401 || models.status == 403) {
    res.message = "the server refused the request to " + ep.models_path + " (HTTP " + std::to_string(models.status) +
                  (models.body.empty() ? "" : ": " + error_body_message(models.body)) + "): check --api-key";
    return res;
  }
  if (models.status == 200) res.models = detail::parse_models(models.body);
  if (o.request.model.empty()) {
    if (res.models.size() == 1) {
      o.request.model = res.models[0].id;
    } else {
      res.message = res.models.empty() ? "give --model: the server lists no models at " + ep.models_path
                                       : "give --model: the server lists " + detail::model_list(res.models);
      return res;
    }
  }
  res.model = o.request.model;
  for (const auto& m : res.models)
    if (m.id == res.model) res.max_model_len = m.max_model_len;
  if (res.max_model_len && longest_tokens > *res.max_model_len) {
    res.message = "the longest request (" + std::to_string(longest_tokens) + " tokens: prompt + output) is longer than the context of '" +
                  res.model + "' (" + std::to_string(*res.max_model_len) + " tokens, max_model_len in " + ep.models_path + ")";
    return res;
  }

  run_plan plan;
  prompt p = sample;
  p.output_len = 1;
  plan.prompts.push_back(std::move(p));
  plan.max_concurrency = 1;
  const run_result rr = run(o, plan);
  res.token_ids = rr.token_ids;
  if (!rr.records.empty()) res.probe = rr.records.front();
  const request_record& r = res.probe;
  if (rr.records.empty() || !r.ok()) {
    res.message = "the first request to " + ep.origin() + ep.path + " failed: " +
                  (rr.records.empty() ? std::string("not sent") : std::string(to_string(r.error)) + ": " + r.error_message);
    if (r.http_status == 404 && !res.models.empty()) res.message += " (the server lists " + detail::model_list(res.models) + ")";
    return res;
  }
  res.ok = true;
  return res;
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
