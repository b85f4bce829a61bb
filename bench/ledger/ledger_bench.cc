// Ledger benchmarks: the entry hash, the raw store sink by batch size, and group commit, each into SQLite
// on a real file (WAL, synchronous=FULL: every batch waits for an fsync) and into the journaled store
// (every batch waits for one vote-log fdatasync; votes live only in the log), plus the journaled store's
// reads from the log (receipt lookup, scans) and its index's memory per vote. The database lives in a
// fresh directory under $PANTAU_BENCH_DIR (default /tmp); results depend on the disk's sync latency.
//   build/bench/ledger/ledger_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ledger/chain.h"
#include "ledger/group_committer.h"
#include "ledger/journaled_store.h"
#include "store/sqlite/sqlite_store.h"

namespace pantau {
namespace {

Vote BenchVote(const PollId& poll, uint64_t n) {
  Vote v;
  v.poll = poll;
  v.time = FromUnixMillis(1'732'090'000'000 + static_cast<int64_t>(n));
  v.choice = 1 + static_cast<int>(n % 3);
  v.device_id = "d" + std::to_string(n);
  v.locus = {"203.0.113.0/24", "9f86d081884c7d659a2feaa0c55ad015", 7713, NetworkClass::kMobile};
  v.user_agent = {"Chrome Mobile", "Android", DeviceClass::kPhone};
  v.share_token = "wa1";
  v.referrer_host = "l.wa.me";
  return v;
}

// A fresh database with one poll, removed at the end of the benchmark. Journaled: the vote log beside
// SQLite (as `pantau serve` runs), so AppendVotes waits for one log fdatasync and SQLite holds no votes.
class BenchDb {
 public:
  explicit BenchDb(bool journaled = false) {
    const char* base = getenv("PANTAU_BENCH_DIR");
    std::string pattern = std::string(base ? base : "/tmp") + "/pantau-bench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    auto opened = store::SqliteStore::Open(dir_ + "/bench.db");
    if (!opened) throw std::runtime_error(opened.error().ToLogString());
    if (journaled) {
      auto wrapped = ledger::JournaledStore::Open(std::move(*opened), ledger::VoteLogDirOf(dir_ + "/bench.db"));
      if (!wrapped) throw std::runtime_error(wrapped.error().ToLogString());
      journal_ = wrapped->get();
      store_ = std::move(*wrapped);
    } else {
      store_ = std::move(*opened);
    }
    Poll poll;
    poll.id = poll_;
    poll.title = "bench";
    poll.options = {{1, "A", ""}, {2, "B", ""}, {3, "C", ""}};
    if (!store_->CreatePoll(poll, {"h", std::vector<uint8_t>(32, 1)})) throw std::runtime_error("CreatePoll");
  }
  ~BenchDb() {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  store::Store& store() { return *store_; }
  ledger::JournaledStore* journal() { return journal_; }
  std::string path() const { return dir_ + "/bench.db"; }
  void Close() {  // closes the store, keeping its files (until the BenchDb dies)
    store_.reset();
    journal_ = nullptr;
  }
  const PollId& poll() const { return poll_; }

 private:
  std::string dir_;
  PollId poll_{"benchpoll0001"};
  std::unique_ptr<store::Store> store_;
  ledger::JournaledStore* journal_ = nullptr;
};

// The disk's sync latency as the vote log sees it: a 512-byte append into a zero-filled file, then
// fdatasync. A closed loop of C clients cannot exceed C / this latency (scripts/bench.sh ingest prints
// it beside its results).
void BM_Fdatasync(benchmark::State& state) {
  const char* base = getenv("PANTAU_BENCH_DIR");
  std::string path = std::string(base ? base : "/tmp") + "/pantau-fsync-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) return state.SkipWithError("mkstemp failed");
  constexpr size_t kFile = 16 << 20, kRecord = 512;
  const std::string zeros(1 << 20, '\0');
  bool ok = true;
  for (size_t at = 0; at < kFile; at += zeros.size()) ok &= ::pwrite(fd, zeros.data(), zeros.size(), static_cast<off_t>(at)) > 0;
  ok &= ::fsync(fd) == 0;
  const std::string record(kRecord, 'v');
  size_t offset = 0;
  for (auto _ : state) {
    ok &= ::pwrite(fd, record.data(), record.size(), static_cast<off_t>(offset)) > 0;
    ok &= ::fdatasync(fd) == 0;
    offset = (offset + kRecord) % kFile;
  }
  ::close(fd);
  ::unlink(path.c_str());
  if (!ok) state.SkipWithError("a write or sync failed");
}
BENCHMARK(BM_Fdatasync)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_EntryHash(benchmark::State& state) {
  const Vote vote = BenchVote(PollId{"benchpoll0001"}, 7);
  ledger::Hash prev{};
  for (auto _ : state) {
    prev = ledger::EntryHash(prev, vote);
    benchmark::DoNotOptimize(prev);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EntryHash);

// Store::AppendVotes alone: one durable transaction (or log append) per call, state.range(0) votes each.
template <bool kJournaled>
void BM_AppendVotes(benchmark::State& state) {
  BenchDb db(kJournaled);
  const auto batch_size = static_cast<size_t>(state.range(0));
  store::ChainTail tail;
  uint64_t n = 0;
  for (auto _ : state) {
    std::vector<store::LedgerEntry> batch;
    for (size_t i = 0; i < batch_size; ++i) {
      batch.push_back(ledger::Link(tail, BenchVote(db.poll(), n++)));
      tail = {batch.back().vote.seq, batch.back().entry_hash};
    }
    if (!db.store().AppendVotes(batch)) state.SkipWithError("AppendVotes failed");
  }
  state.counters["votes/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  state.counters["commits/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AppendVotes<false>)->Name("BM_AppendVotes/sqlite")->Arg(1)->Arg(16)->Arg(256)->Arg(4096)
    ->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AppendVotes<true>)->Name("BM_AppendVotes/journaled")->Arg(1)->Arg(16)->Arg(256)->Arg(4096)
    ->UseRealTime()->Unit(benchmark::kMillisecond);

// Appends `votes` votes to the bench poll in batches of 4096; returns them.
std::vector<store::LedgerEntry> Fill(BenchDb& db, int votes) {
  std::vector<store::LedgerEntry> all, batch;
  store::ChainTail tail;
  for (int n = 0; n < votes; ++n) {
    batch.push_back(ledger::Link(tail, BenchVote(db.poll(), static_cast<uint64_t>(n))));
    tail = {batch.back().vote.seq, batch.back().entry_hash};
    if (batch.size() == 4096 || n + 1 == votes) {
      if (!db.store().AppendVotes(batch)) throw std::runtime_error("AppendVotes failed");
      all.insert(all.end(), batch.begin(), batch.end());
      batch.clear();
    }
  }
  return all;
}

// Receipt lookups (FindEntry) among 200k logged votes, at random: the hash index, then one pread of the
// frame (from the page cache here). Also reports the index's memory per vote.
void BM_JournaledFindEntry(benchmark::State& state) {
  constexpr int kVotes = 200'000;
  BenchDb db(true);
  const auto all = Fill(db, kVotes);
  uint64_t x = 88172645463325252ull;
  for (auto _ : state) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    auto found = db.store().FindEntry(db.poll(), all[x % all.size()].entry_hash);
    if (!found) state.SkipWithError("FindEntry failed");
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(state.iterations());
  const auto stats = db.journal()->stats();
  state.counters["index_B/vote"] = static_cast<double>(stats.index_bytes) / static_cast<double>(stats.entries);
}
BENCHMARK(BM_JournaledFindEntry)->UseRealTime()->Unit(benchmark::kMicrosecond);

// A whole-poll scan (export, verify, LoadDeviceIds) of 200k logged votes, read back from the log.
void BM_JournaledScanEntries(benchmark::State& state) {
  constexpr int kVotes = 200'000;
  BenchDb db(true);
  Fill(db, kVotes);
  uint64_t visited = 0;
  for (auto _ : state) {
    auto scanned = db.store().ScanEntries(db.poll(), 1, [&](const store::LedgerEntry& e) {
      benchmark::DoNotOptimize(e);
      ++visited;
      return true;
    });
    if (!scanned) state.SkipWithError("ScanEntries failed");
  }
  state.counters["votes/s"] = benchmark::Counter(static_cast<double>(visited), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_JournaledScanEntries)->UseRealTime()->Unit(benchmark::kMillisecond);

// Opening a journaled store over a log of 200k votes: the one scan that builds the index.
void BM_JournaledOpen(benchmark::State& state) {
  constexpr int kVotes = 200'000;
  std::optional<BenchDb> db;
  db.emplace(true);
  Fill(*db, kVotes);
  const std::string path = db->path();
  db->Close();
  for (auto _ : state) {
    auto database = store::SqliteStore::Open(path);
    if (!database) return state.SkipWithError("SqliteStore::Open failed");
    auto opened = ledger::JournaledStore::Open(std::move(*database), ledger::VoteLogDirOf(path));
    if (!opened) return state.SkipWithError(opened.error().ToLogString().c_str());
  }
  state.counters["votes/s"] =
      benchmark::Counter(static_cast<double>(kVotes) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_JournaledOpen)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(3);

void ReportCommitter(benchmark::State& state, const ledger::GroupCommitter& committer, uint64_t acked) {
  const auto stats = committer.stats();
  state.counters["votes/s"] = benchmark::Counter(static_cast<double>(acked), benchmark::Counter::kIsRate);
  state.counters["mean_batch"] = stats.batches ? static_cast<double>(stats.votes) / static_cast<double>(stats.batches) : 0;
  state.counters["largest_batch"] = static_cast<double>(stats.largest_batch);
  if (stats.failed_batches != 0) state.SkipWithError("a batch failed");
}

// Closed loop: state.range(0) clients, each submitting one vote and waiting for its acknowledgement
// before the next (an HTTP handler awaiting its vote). Each iteration: 25 votes per client.
template <bool kJournaled>
void BM_GroupCommitClosedLoop(benchmark::State& state) {
  BenchDb db(kJournaled);
  ledger::GroupCommitter committer(db.store(), {});
  if (!committer.Start()) return state.SkipWithError("Start failed");
  const int clients = static_cast<int>(state.range(0));
  constexpr int kPerClient = 25;
  std::atomic<uint64_t> acked{0}, next{0};
  for (auto _ : state) {
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
      threads.emplace_back([&] {
        std::mutex mu;
        std::condition_variable cv;
        for (int i = 0; i < kPerClient; ++i) {
          bool done = false, ok = false;
          committer.Submit(BenchVote(db.poll(), next++), [&](Result<store::LedgerEntry> r) {
            std::lock_guard lock(mu);
            done = true;
            ok = r.has_value();
            cv.notify_one();
          });
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return done; });
          if (ok) ++acked;
        }
      });
    for (auto& t : threads) t.join();
  }
  committer.Stop();
  ReportCommitter(state, committer, acked.load());
}
BENCHMARK(BM_GroupCommitClosedLoop<false>)->Name("BM_GroupCommitClosedLoop/sqlite")->Arg(1)->Arg(16)->Arg(64)->Arg(256)
    ->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GroupCommitClosedLoop<true>)->Name("BM_GroupCommitClosedLoop/journaled")->Arg(1)->Arg(16)->Arg(64)
    ->Arg(256)->UseRealTime()->Unit(benchmark::kMillisecond);

// Open loop: state.range(0) threads each fire 5000 submissions without waiting (a burst), then the
// iteration waits for every acknowledgement. Shows the ceiling when batches are as large as allowed.
void BM_GroupCommitBurst(benchmark::State& state) {
  BenchDb db;
  ledger::GroupCommitter committer(db.store(), {});
  if (!committer.Start()) return state.SkipWithError("Start failed");
  const int threads_n = static_cast<int>(state.range(0));
  constexpr int kPerThread = 5000;
  std::atomic<uint64_t> acked{0}, next{0};
  for (auto _ : state) {
    std::mutex mu;
    std::condition_variable cv;
    int pending = threads_n * kPerThread;
    std::vector<std::thread> threads;
    for (int t = 0; t < threads_n; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < kPerThread; ++i)
          committer.Submit(BenchVote(db.poll(), next++), [&](Result<store::LedgerEntry> r) {
            if (r) ++acked;
            std::lock_guard lock(mu);
            if (--pending == 0) cv.notify_one();
          });
      });
    for (auto& t : threads) t.join();
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return pending == 0; });
  }
  committer.Stop();
  ReportCommitter(state, committer, acked.load());
}
BENCHMARK(BM_GroupCommitBurst)->Arg(1)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pantau

BENCHMARK_MAIN();
