#include "http/test_client.h"

#include <algorithm>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/run_until.h"

namespace pantau::http::testing {
namespace {

namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

Error Fail(std::string_view what, const boost::system::error_code& ec = {}) {
  return Error::Unavailable(std::string(what) + (ec ? ": " + ec.message() : std::string()));
}

Reply ToReply(beast_http::response<beast_http::string_body>&& res) {
  Reply reply;
  reply.status = static_cast<int>(res.result_int());
  for (const auto& field : res.base())
    reply.headers.emplace_back(std::string(View(field.name_string())), std::string(View(field.value())));
  reply.keep_alive = res.keep_alive();
  reply.body = std::move(res.body());
  return reply;
}

bool IEquals(std::string_view a, std::string_view b) {
  return beast::iequals(beast::string_view(a.data(), a.size()), beast::string_view(b.data(), b.size()));
}

}  // namespace

std::optional<std::string> Reply::Header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (IEquals(n, name)) return v;
  return std::nullopt;
}

std::vector<std::string> Reply::HeaderValues(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : headers)
    if (IEquals(n, name)) out.push_back(v);
  return out;
}

boost::json::value Reply::Json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value() : v;
}

// ---------------------------------------------------------------------------------------------

struct TestClient::Impl {
  Impl(uint16_t p, std::chrono::milliseconds t) : port(p), timeout(t) {}

  Result<void> Connect() {
    if (socket.is_open()) return {};
    buffer.clear();
    bool done = false;
    boost::system::error_code result;
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    socket.async_connect(endpoint, [&](boost::system::error_code ec) {
      result = ec;
      done = true;
    });
    if (!RunUntil(ioc, socket, done, Clock::now() + timeout) || result) {
      Close();
      return std::unexpected(Fail("connect", result));
    }
    socket.set_option(tcp::no_delay(true));
    ++connects;
    fresh = true;
    return {};
  }

  Result<Reply> Exchange(std::string_view wire, bool head_request) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (auto c = Connect(); !c) return std::unexpected(c.error());
      const bool reused = !fresh;
      fresh = false;
      boost::system::error_code ec;
      bool done = false;
      asio::async_write(socket, asio::buffer(wire), [&](boost::system::error_code e, std::size_t) {
        ec = e;
        done = true;
      });
      if (!RunUntil(ioc, socket, done, Clock::now() + timeout)) return Timeout("write");
      if (!ec) {
        beast_http::response_parser<beast_http::string_body> parser;
        parser.body_limit(64u << 20);
        parser.skip(head_request);
        done = false;
        beast_http::async_read(socket, buffer, parser, [&](boost::system::error_code e, std::size_t) {
          ec = e;
          done = true;
        });
        if (!RunUntil(ioc, socket, done, Clock::now() + timeout)) return Timeout("read");
        if (!ec) {
          Reply reply = ToReply(parser.release());
          Remember(reply);
          if (!reply.keep_alive) Close();
          return reply;
        }
      }
      Close();
      // A kept-alive connection the server has closed meanwhile: retry once on a fresh one.
      const bool stale = ec == beast_http::error::end_of_stream || ec == asio::error::connection_reset ||
                         ec == asio::error::broken_pipe;
      if (!(reused && stale)) return std::unexpected(Fail("exchange", ec));
    }
    return std::unexpected(Fail("exchange: connection closed twice"));
  }

  Result<Reply> Timeout(std::string_view what) {
    Close();
    return std::unexpected(Error::Unavailable(std::string(what) + ": timed out"));
  }

  void Remember(const Reply& reply) {
    for (const std::string& line : reply.HeaderValues("Set-Cookie")) {
      std::string_view pair = std::string_view(line).substr(0, line.find(';'));
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      std::string name(pair.substr(0, eq)), value(pair.substr(eq + 1));
      if (line.find("Max-Age=0") != std::string::npos) cookies.erase(name);
      else cookies[name] = value;
    }
  }

  std::string CookieHeader() const {
    std::string out;
    for (const auto& [n, v] : cookies) out += (out.empty() ? "" : "; ") + n + "=" + v;
    return out;
  }

  void Close() {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  uint16_t port;
  std::chrono::milliseconds timeout;
  asio::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  std::map<std::string, std::string, std::less<>> cookies;
  int connects = 0;
  bool fresh = false;
};

TestClient::TestClient(uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(port, timeout)) {}
TestClient::~TestClient() = default;

Result<Reply> TestClient::Request(std::string_view method, std::string_view target,
                                  std::string_view body, const HeaderList& headers,
                                  std::string_view content_type) {
  std::string wire;
  wire.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  if (!content_type.empty()) wire.append("Content-Type: ").append(content_type).append("\r\n");
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    wire.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  if (!impl_->cookies.empty()) wire.append("Cookie: ").append(impl_->CookieHeader()).append("\r\n");
  for (const auto& [n, v] : headers) wire.append(n).append(": ").append(v).append("\r\n");
  wire.append("\r\n").append(body);
  return impl_->Exchange(wire, method == "HEAD");
}

Result<Reply> TestClient::Get(std::string_view target, const HeaderList& headers) {
  return Request("GET", target, {}, headers);
}

Result<Reply> TestClient::Post(std::string_view target, std::string_view body,
                               std::string_view content_type, const HeaderList& headers) {
  return Request("POST", target, body, headers, content_type);
}

Result<Reply> TestClient::PostJson(std::string_view target, const boost::json::value& body,
                                   const HeaderList& headers) {
  return Post(target, boost::json::serialize(body), "application/json", headers);
}

Result<Reply> TestClient::SendRaw(std::string_view bytes) { return impl_->Exchange(bytes, false); }

void TestClient::SetCookie(std::string name, std::string value) {
  impl_->cookies[std::move(name)] = std::move(value);
}

std::optional<std::string> TestClient::GetCookie(std::string_view name) const {
  auto it = impl_->cookies.find(name);
  if (it == impl_->cookies.end()) return std::nullopt;
  return it->second;
}

void TestClient::ClearCookies() { impl_->cookies.clear(); }
bool TestClient::connected() const { return impl_->socket.is_open(); }
int TestClient::connects() const { return impl_->connects; }
void TestClient::Close() { impl_->Close(); }

}  // namespace pantau::http::testing
