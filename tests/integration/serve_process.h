// ServeProcess: runs the real `pantau serve` binary on 127.0.0.1 with an ephemeral port, reads the
// port from its start-up line, and stops it with SIGTERM (SIGKILL after a bounded wait). Also runs
// other pantau subcommands and captures their output.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace pantau::integration {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `pantau <args...>` to completion (bounded by `timeout_seconds`).
CommandResult RunPantau(const std::vector<std::string>& args, int timeout_seconds = 60);

class ServeProcess {
 public:
  // Starts `pantau serve --listen 127.0.0.1:0 --db <db> <extra...>`; throws if it does not report
  // its port within 30 s.
  ServeProcess(const std::string& db, const std::vector<std::string>& extra = {});
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  uint16_t port() const { return port_; }
  // Graceful stop; returns the exit status (or -1 if it had to be killed).
  int Stop();
  // SIGKILL, as a crash would: no draining, no destructors.
  void Kill();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace pantau::integration
