// FakeRequest: a RequestContext without a network, for unit tests of code that reads requests.
//   FakeRequest req(Verb::post, "/x?lang=en");
//   req.message.set("Content-Type", "application/json");  req.message.body() = "{}";
//   RequestContext& ctx = req.Context();
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include <boost/asio/io_context.hpp>

#include "http/internal/raw_request.h"
#include "http/request_context.h"

namespace pantau::http::testing {

struct FakeRequest {
  FakeRequest(Verb verb, std::string_view target, std::string peer_ip = "192.0.2.7",
              bool trust_proxy = false)
      : message(std::piecewise_construct, std::make_tuple(internal::ArenaAllocator<char>(arena)),
                std::make_tuple(internal::ArenaAllocator<char>(arena))),
        ip(std::move(peer_ip)),
        trust(trust_proxy) {
    message.method(verb);
    message.target(std::string(target));
    message.version(11);
  }

  // A fresh context over the current message (call after setting headers and body).
  RequestContext& Context() {
    context.reset();
    context.emplace(raw, RequestContext::Peer{ip, trust}, ioc.get_executor());
    return *context;
  }

  internal::RequestArena arena;  // declared first: the message allocates from it
  internal::BeastRequest message;
  internal::RawRequest raw{message};
  std::string ip;
  bool trust;
  boost::asio::io_context ioc;
  std::optional<RequestContext> context;
};

}  // namespace pantau::http::testing
