#include "serve_process.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pantau::integration {
namespace {

pid_t Spawn(const std::vector<std::string>& args, int& out_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    std::vector<char*> argv;
    std::string bin = PANTAU_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd = fds[0];
  return pid;
}

// Reads what is available within `timeout_ms`; false at EOF or timeout with nothing read.
bool ReadSome(int fd, std::string& out, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return false;
  char buf[4096];
  const ssize_t n = read(fd, buf, sizeof buf);
  if (n <= 0) return false;
  out.append(buf, static_cast<size_t>(n));
  return true;
}

int WaitExit(pid_t pid, int timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

}  // namespace

CommandResult RunPantau(const std::vector<std::string>& args, int timeout_seconds) {
  int fd = -1;
  const pid_t pid = Spawn(args, fd);
  CommandResult result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[4096];
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      result.output.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  result.exit_code = WaitExit(pid, 5);
  return result;
}

ServeProcess::ServeProcess(const std::string& db, const std::vector<std::string>& extra) {
  std::vector<std::string> args{"serve", "--listen", "127.0.0.1:0", "--db", db};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = Spawn(args, out_fd_);
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  constexpr std::string_view kMarker = "pantau serving on http://127.0.0.1:";
  while (std::chrono::steady_clock::now() < deadline) {
    ReadSome(out_fd_, out, 100);
    if (const size_t at = out.find(kMarker); at != std::string::npos) {
      const size_t start = at + kMarker.size();
      const size_t end = out.find_first_not_of("0123456789", start);
      if (end != std::string::npos) {
        port_ = static_cast<uint16_t>(std::stoi(out.substr(start, end - start)));
        break;
      }
    }
  }
  if (port_ == 0) {
    Stop();
    throw std::runtime_error("pantau serve did not start: " + out);
  }
  // Keep draining its output so the pipe never fills and blocks the server.
  std::thread([fd = out_fd_] {
    while (true) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 200) < 0) break;
      char buf[4096];
      if ((p.revents & (POLLIN | POLLHUP)) && read(fd, buf, sizeof buf) <= 0) break;
    }
    close(fd);
  }).detach();
}

ServeProcess::~ServeProcess() { Stop(); }

int ServeProcess::Stop() {
  if (pid_ <= 0) return 0;
  kill(pid_, SIGTERM);
  const int code = WaitExit(pid_, 20);
  pid_ = -1;
  return code;
}

void ServeProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  WaitExit(pid_, 20);
  pid_ = -1;
}

}  // namespace pantau::integration
