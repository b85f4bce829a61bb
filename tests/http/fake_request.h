// FakeRequest: a RequestContext without a network, for unit tests of code that reads requests.
//   FakeRequest req(Verb::post, "/x?lang=en");
//   req.Set("Content-Type", "application/json");  req.body = "{}";
//   RequestContext& ctx = req.Context();
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/io_context.hpp>

#include "http/internal/raw_request.h"
#include "http/internal/request_parser.h"
#include "http/request_context.h"

namespace pantau::http::testing {

struct FakeRequest {
  FakeRequest(Verb verb, std::string_view target, std::string peer_ip = "192.0.2.7", bool trust_proxy = false)
      : ip(std::move(peer_ip)), trust(trust_proxy) {
    head.method = verb;
    const auto text = boost::beast::http::to_string(verb);
    head.method_text = Keep(std::string_view(text.data(), text.size()));
    head.target = Keep(target);
  }

  // Replaces every field of this name with one; Add appends another (e.g. a second Cookie line).
  void Set(std::string_view name, std::string_view value) {
    std::erase_if(head.fields,
                  [&](const internal::HeaderField& f) { return internal::IEquals(f.name, name); });
    Add(name, value);
  }
  void Add(std::string_view name, std::string_view value) {
    head.fields.push_back({Keep(name), Keep(value)});
  }

  // A fresh context over the current head and body (call after setting fields and body).
  RequestContext& Context() {
    context.reset();
    raw.reset();
    raw.emplace(internal::RawRequest{head, body});
    context.emplace(*raw, RequestContext::Peer{ip, trust}, ioc.get_executor());
    return *context;
  }

  internal::RequestHead head;
  std::string body;
  std::string ip;
  bool trust;
  boost::asio::io_context ioc;
  std::optional<internal::RawRequest> raw;
  std::optional<RequestContext> context;

 private:
  std::string_view Keep(std::string_view text) { return storage_.emplace_back(text); }
  std::deque<std::string> storage_;  // the text behind the head's views (a deque never moves it)
};

}  // namespace pantau::http::testing
