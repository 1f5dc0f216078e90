// The one place the load generator includes Asio and Beast: <utility> first (Asio 1.18 relied on
// it arriving transitively, which libstdc++ 12 no longer does), then only the specific headers
// the client needs (the umbrella headers cost seconds per translation unit).
#pragma once

#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#endif

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen::detail {
namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
/// Completion token that returns (error_code, result...) instead of throwing.
inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
}  // namespace loadgen::detail
INFERLENS_END_NAMESPACE
