#include "http/sse.h"

namespace pantau::http {

std::string FormatSseEvent(std::string_view event, std::string_view data, std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 32);
  if (!id.empty()) {
    out += "id: ";
    out += id;
    out += '\n';
  }
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  do {
    const std::size_t nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "data: ";
    out += line;
    out += '\n';
    data = nl == std::string_view::npos ? std::string_view{} : data.substr(nl + 1);
  } while (!data.empty());
  out += '\n';
  return out;
}

asio::awaitable<Status> SseStream::SendEvent(std::string_view event, std::string_view data,
                                             std::string_view id) {
  const std::string frame = FormatSseEvent(event, data, id);
  co_return co_await Write(frame);
}

asio::awaitable<Status> SseStream::SendComment(std::string_view text) {
  std::string frame = ": ";
  frame += text;
  frame += "\n\n";
  co_return co_await Write(frame);
}

}  // namespace pantau::http
