// ServeConnection: the coroutine that owns one accepted socket and reads it top to bottom — request
// head, route, body (within the route's limit), handler, response — until the client or the server
// ends keep-alive. Expected network failures are values (as_tuple), never exceptions.
#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>

#include "http/internal/connection_registry.h"
#include "http/internal/response_writer.h"
#include "http/router.h"
#include "http/server.h"

namespace pantau::http::internal {

// What the server shares with its connections; lives as long as the Server.
struct ServerCore {
  const Server::Options& options;
  const Router& router;
  ConnectionRegistry& registry;
  const ResponseWriter& writer;
};

// Serves the connection until it ends; removes it from the registry and closes the socket.
boost::asio::awaitable<void> ServeConnection(ServerCore& core, std::shared_ptr<ConnectionState> state);

}  // namespace pantau::http::internal
