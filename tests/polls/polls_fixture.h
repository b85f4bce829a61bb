// A real poll stack for tests: SQLite file in a temp dir, group committer, registry, services,
// a manual clock and an empty network table (everything "unknown").
#pragma once

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/region.h"
#include "ledger/group_committer.h"
#include "netintel/network_intel.h"
#include "polls/poll_registry.h"
#include "polls/poll_service.h"
#include "polls/results_service.h"
#include "polls/vote_service.h"
#include "store/sqlite/sqlite_store.h"

namespace pantau::polls::testing {

inline std::filesystem::path MakeTempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "pantau-polls-XXXXXX").string();
  const char* dir = mkdtemp(templ.data());
  if (dir == nullptr) throw std::runtime_error("mkdtemp failed");
  return dir;
}

class PollStack {
 public:
  explicit PollStack(std::filesystem::path db, Timestamp start = FromUnixMillis(1732060800000))
      : db_path(std::move(db)), clock(start) {
    auto opened = store::SqliteStore::Open(db_path.string());
    if (!opened) throw std::runtime_error(opened.error().ToLogString());
    store = std::move(*opened);
    registry = std::make_unique<PollRegistry>(*store);
    committer = std::make_unique<ledger::GroupCommitter>(
        *store, ledger::GroupCommitter::Options{}, [this](const auto& batch) { votes->OnDurableBatch(batch); });
    votes = std::make_unique<VoteService>(*registry, *store, *committer, intel, clock);
    polls = std::make_unique<PollService>(*store, *registry, RegionDirectory::Builtin(), clock);
    results = std::make_unique<ResultsService>(*registry, clock);
    auto started = committer->Start();
    if (!started) throw std::runtime_error(started.error().ToLogString());
  }
  ~PollStack() { committer->Stop(); }

  Poll Draft(Visibility visibility = Visibility::kLive, AssuranceTier tier = AssuranceTier::kOpen) const {
    Poll p;
    p.title = "Pilkada Kota Tomohon";
    p.region = RegionCode{"71.73"};
    p.options = {{1, "Satu", ""}, {2, "Dua", ""}, {3, "Tiga", ""}};
    p.opens_at = clock.Now() - std::chrono::hours(1);
    p.closes_at = clock.Now() + std::chrono::hours(24);
    p.visibility = visibility;
    p.tier = tier;
    p.owner_name = "Redaksi Uji";
    return p;
  }

  Result<VoteAccepted> Vote(const PollId& poll, int choice, std::string device = {},
                            std::string ip = "114.125.10.20", std::string panel_token = {}) {
    VoteRequest r;
    r.poll = poll;
    r.choice = choice;
    r.device_id = std::move(device);
    r.client_ip = std::move(ip);
    r.user_agent = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36";
    r.referrer = "https://l.wa.me/abc";
    r.share_token = "grup1";
    r.panel_token = std::move(panel_token);
    std::promise<Result<VoteAccepted>> promise;
    auto future = promise.get_future();
    votes->Submit(std::move(r), [&promise](Result<VoteAccepted> v) { promise.set_value(std::move(v)); });
    if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
      throw std::runtime_error("vote did not complete");
    return future.get();
  }

  std::filesystem::path db_path;
  ManualClock clock;
  netintel::NetworkIntel intel = netintel::NetworkIntel::Empty();
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<PollRegistry> registry;
  std::unique_ptr<ledger::GroupCommitter> committer;
  std::unique_ptr<VoteService> votes;
  std::unique_ptr<PollService> polls;
  std::unique_ptr<ResultsService> results;
};

// A test with a fresh PollStack on a database in its own temp dir, removed afterwards.
class PollStackTest : public ::testing::Test {
 protected:
  void TearDown() override {
    stack_.reset();
    std::filesystem::remove_all(dir_);
  }
  PollId NewPoll(Visibility v = Visibility::kLive, AssuranceTier t = AssuranceTier::kOpen) {
    auto created = stack_->polls->Create(stack_->Draft(v, t));
    EXPECT_TRUE(created.has_value()) << created.error().ToLogString();
    return created->poll.id;
  }

  std::filesystem::path dir_ = MakeTempDir();
  std::unique_ptr<PollStack> stack_ = std::make_unique<PollStack>(dir_ / "pantau.db");
};

}  // namespace pantau::polls::testing
