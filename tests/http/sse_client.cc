// SseClient: reads a Server-Sent Events stream for tests (declared in test_client.h).
#include "http/test_client.h"

#include <array>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/run_until.h"

namespace pantau::http::testing {
namespace {

namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Parses one frame ("field: value" lines); false when it holds nothing but a comment/retry.
SseEvent ParseFrame(std::string_view frame) {
  SseEvent e;
  bool first_data = true;
  while (!frame.empty()) {
    const std::size_t nl = frame.find('\n');
    std::string_view line = frame.substr(0, nl);
    frame = nl == std::string_view::npos ? std::string_view{} : frame.substr(nl + 1);
    if (line.empty()) continue;
    const std::size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field.empty()) e.comment = std::string(value);
    else if (field == "id") e.id = std::string(value);
    else if (field == "event") e.event = std::string(value);
    else if (field == "retry") e.retry = std::string(value);
    else if (field == "data") {
      if (!first_data) e.data += '\n';
      e.data += value;
      first_data = false;
    }
  }
  return e;
}

}  // namespace

struct SseClient::Impl {
  Impl(uint16_t p, std::chrono::milliseconds t) : port(p), timeout(t) {}

  uint16_t port;
  std::chrono::milliseconds timeout;
  asio::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  std::string pending;  // stream bytes not yet parsed into events
  bool closed = false;
};

SseClient::SseClient(uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(port, timeout)) {}
SseClient::~SseClient() { Close(); }

Result<Reply> SseClient::Open(std::string_view target, const HeaderList& headers) {
  Impl& s = *impl_;
  const auto deadline = Clock::now() + s.timeout;
  bool done = false;
  boost::system::error_code ec;
  s.socket.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port),
                         [&](boost::system::error_code e) { ec = e, done = true; });
  if (!RunUntil(s.ioc, s.socket, done, deadline) || ec)
    return std::unexpected(Error::Unavailable("sse connect failed"));
  std::string wire = "GET " + std::string(target) +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  for (const auto& [n, v] : headers) wire += n + ": " + v + "\r\n";
  wire += "\r\n";
  done = false;
  asio::async_write(s.socket, asio::buffer(wire), [&](boost::system::error_code e, std::size_t) {
    ec = e, done = true;
  });
  if (!RunUntil(s.ioc, s.socket, done, deadline) || ec)
    return std::unexpected(Error::Unavailable("sse write failed"));
  beast_http::response_parser<beast_http::string_body> parser;
  done = false;
  beast_http::async_read_header(s.socket, s.buffer, parser, [&](boost::system::error_code e, std::size_t) {
    ec = e, done = true;
  });
  if (!RunUntil(s.ioc, s.socket, done, deadline) || ec)
    return std::unexpected(Error::Unavailable("sse head read failed"));
  if (parser.get().result_int() != 200) {  // a problem response with a length-delimited body
    done = false;
    beast_http::async_read(s.socket, s.buffer, parser, [&](boost::system::error_code e, std::size_t) {
      ec = e, done = true;
    });
    RunUntil(s.ioc, s.socket, done, deadline);
  }
  Reply reply;
  const auto& res = parser.get();
  reply.status = static_cast<int>(res.result_int());
  for (const auto& f : res.base())
    reply.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  reply.body = res.body();
  const auto data = s.buffer.data();  // stream bytes that arrived with the head
  s.pending.assign(static_cast<const char*>(data.data()), data.size());
  s.buffer.consume(s.buffer.size());
  return reply;
}

Result<SseEvent> SseClient::Next(std::chrono::milliseconds timeout, bool with_comments) {
  Impl& s = *impl_;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    for (std::size_t end; (end = s.pending.find("\n\n")) != std::string::npos;) {
      SseEvent e = ParseFrame(std::string_view(s.pending).substr(0, end));
      s.pending.erase(0, end + 2);
      const bool meta_only = e.data.empty() && e.event.empty() && e.id.empty();
      if (!meta_only || with_comments) return e;
    }
    if (s.closed) return std::unexpected(Error::Unavailable("sse stream closed"));
    std::array<char, 4096> chunk;
    bool done = false;
    boost::system::error_code ec;
    std::size_t n = 0;
    s.socket.async_read_some(asio::buffer(chunk), [&](boost::system::error_code e, std::size_t got) {
      ec = e, n = got, done = true;
    });
    if (!RunUntil(s.ioc, s.socket, done, deadline))
      return std::unexpected(Error::Unavailable("sse: no event before the timeout"));
    s.pending.append(chunk.data(), n);
    if (ec) s.closed = true;
  }
}

bool SseClient::closed() const { return impl_->closed; }

void SseClient::Close() {
  boost::system::error_code ignored;
  impl_->socket.shutdown(tcp::socket::shutdown_both, ignored);
  impl_->socket.close(ignored);
}

}  // namespace pantau::http::testing
