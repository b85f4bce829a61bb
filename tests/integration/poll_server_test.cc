// End-to-end tests of `pantau serve`: the real binary on 127.0.0.1, real SQLite files, HTTP clients.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "http/test_client.h"
#include "ledger/log_record.h"
#include "serve_process.h"

namespace pantau::integration {
namespace {

using http::testing::SseClient;
using http::testing::TestClient;
namespace json = boost::json;

std::string Rfc3339In(std::chrono::seconds offset) {
  const auto t = std::chrono::system_clock::now() + offset;
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return buf;
}

json::object PollBody(std::string_view visibility, std::chrono::seconds opens = std::chrono::seconds(-3600),
                      std::chrono::seconds closes = std::chrono::seconds(86400)) {
  return json::object{
      {"title", "Pilkada Kota Tomohon 2024"},
      {"region", "71.73"},
      {"kind", "candidate"},
      {"options", json::array{json::object{{"number", 1}, {"name", "Satu"}}, json::object{{"number", 2}, {"name", "Dua"}},
                              json::object{{"number", 3}, {"name", "Tiga"}}}},
      {"opens_at", Rfc3339In(opens)},
      {"closes_at", Rfc3339In(closes)},
      {"visibility", visibility},
      {"methodology", "Uji integrasi."},
      {"owner_name", "Redaksi Uji"},
  };
}

struct CreatedPoll {
  std::string id;
  std::string owner_key;
};

CreatedPoll Create(TestClient& client, const json::object& body) {
  auto reply = client.PostJson("/api/v1/polls", body);
  EXPECT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 201) << reply->body;
  auto v = reply->Json();
  return {std::string(v.at("poll").at("id").as_string()), std::string(v.at("owner_key").as_string())};
}

std::string ProblemType(const http::testing::Reply& reply) {
  auto v = reply.Json();
  if (!v.is_object() || !v.as_object().contains("type")) return "(no problem body: " + reply.body + ")";
  std::string type(v.at("type").as_string());
  return type.substr(type.rfind('/') + 1);
}

class PollServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (std::filesystem::temp_directory_path() / "pantau-it-XXXXXX").string();
    dir_ = mkdtemp(templ.data());
    db_ = (dir_ / "pantau.db").string();
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Start(std::vector<std::string> extra = {"--rate-limit", "0"}) {
    extra.push_back("--web-root");
    extra.push_back(PANTAU_SOURCE_DIR "/web/public");
    server_ = std::make_unique<ServeProcess>(db_, extra);
  }

  std::filesystem::path dir_;
  std::string db_;
  std::unique_ptr<ServeProcess> server_;
};

TEST_F(PollServerTest, EveryAcknowledgedVoteIsInTheLedgerAndTheTally) {
  Start();
  TestClient admin(server_->port());
  const CreatedPoll poll = Create(admin, PollBody("live"));
  constexpr int kThreads = 16, kVotesEach = 40;
  std::mutex mu;
  std::vector<std::pair<int, std::string>> receipts;  // (choice, hash)
  std::set<uint64_t> seqs;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      TestClient client(server_->port(), std::chrono::seconds(20));
      for (int i = 0; i < kVotesEach; ++i) {
        client.ClearCookies();  // a new device each time: many voters behind one address
        const int choice = 1 + (t + i) % 3;
        auto reply = client.PostJson("/api/v1/polls/" + poll.id + "/votes", json::object{{"choice", choice}});
        if (!reply || reply->status != 201) {
          ++failures;
          continue;
        }
        auto v = reply->Json();
        std::lock_guard lock(mu);
        receipts.emplace_back(choice, std::string(v.at("receipt").at("hash").as_string()));
        seqs.insert(v.at("receipt").at("seq").to_number<uint64_t>());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(receipts.size(), static_cast<size_t>(kThreads * kVotesEach));
  EXPECT_EQ(seqs.size(), receipts.size());  // distinct, no gaps:
  EXPECT_EQ(*seqs.begin(), 1u);
  EXPECT_EQ(*seqs.rbegin(), receipts.size());

  std::map<int, uint64_t> expected;
  for (const auto& [choice, hash] : receipts) ++expected[choice];
  auto results = admin.Get("/api/v1/polls/" + poll.id + "/results");
  ASSERT_TRUE(results.has_value());
  ASSERT_EQ(results->status, 200) << results->body;
  auto r = results->Json();
  EXPECT_EQ(r.at("total").to_number<uint64_t>(), receipts.size());
  for (const auto& option : r.at("options").as_array())
    EXPECT_EQ(option.at("votes").to_number<uint64_t>(), expected[static_cast<int>(option.at("number").to_number<int64_t>())]);
  for (size_t i = 0; i < receipts.size(); i += 37) {
    auto check = admin.Get("/api/v1/polls/" + poll.id + "/receipts/" + receipts[i].second);
    ASSERT_TRUE(check.has_value());
    EXPECT_EQ(check->status, 200) << check->body;
  }

  // After a restart the tally is the same, and the database's chain verifies.
  EXPECT_EQ(server_->Stop(), 0);
  auto verify = RunPantau({"verify", db_});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find(fmt::format("{} entries", receipts.size())), std::string::npos) << verify.output;
  Start();
  TestClient again(server_->port());
  auto after = again.Get("/api/v1/polls/" + poll.id + "/results");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->Json().at("total").to_number<uint64_t>(), receipts.size());
}

// A crash (SIGKILL) while votes stream in: after a restart every acknowledged receipt is found, the
// tally counts at least the acknowledged votes, and the database and its vote log verify.
TEST_F(PollServerTest, AKilledServerKeepsEveryAcknowledgedVote) {
  Start();
  TestClient admin(server_->port());
  const CreatedPoll poll = Create(admin, PollBody("live"));
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<bool> killed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      TestClient client(server_->port(), std::chrono::seconds(5));
      for (int i = 0; !killed.load(); ++i) {
        client.ClearCookies();
        auto reply = client.PostJson("/api/v1/polls/" + poll.id + "/votes", json::object{{"choice", 1 + (t + i) % 3}});
        if (!reply || reply->status != 201) continue;
        std::lock_guard lock(mu);
        acknowledged.emplace_back(reply->Json().at("receipt").at("hash").as_string());
      }
    });
  }
  const auto wait_for_votes = [&](size_t n) {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lock(mu);
        if (acknowledged.size() >= n) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  wait_for_votes(300);
  server_->Kill();
  killed = true;
  for (auto& th : threads) th.join();
  ASSERT_GE(acknowledged.size(), 300u);

  auto verify = RunPantau({"verify", db_});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  Start();
  TestClient again(server_->port());
  auto results = again.Get("/api/v1/polls/" + poll.id + "/results");
  ASSERT_TRUE(results.has_value());
  EXPECT_GE(results->Json().at("total").to_number<uint64_t>(), acknowledged.size());
  for (const std::string& hash : acknowledged) {
    auto check = again.Get("/api/v1/polls/" + poll.id + "/receipts/" + hash);
    ASSERT_TRUE(check.has_value());
    ASSERT_EQ(check->status, 200) << hash << ": " << check->body;
  }
  EXPECT_EQ(server_->Stop(), 0);
  verify = RunPantau({"verify", db_});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_EQ(verify.output.find("behind"), std::string::npos) << verify.output;
  auto log_only = RunPantau({"verify", db_ + "-ledger"});
  EXPECT_EQ(log_only.exit_code, 0) << log_only.output;
  EXPECT_NE(log_only.output.find("OK, 1 polls"), std::string::npos) << log_only.output;
}

TEST_F(PollServerTest, VisibilityRulesHideResultsUntilTheyMayBeShown) {
  Start();
  TestClient client(server_->port());
  const CreatedPoll closed_only = Create(client, PollBody("after_close"));
  auto hidden = client.Get("/api/v1/polls/" + closed_only.id + "/results");
  ASSERT_TRUE(hidden.has_value());
  EXPECT_EQ(hidden->status, 403);
  EXPECT_EQ(ProblemType(*hidden), "results-hidden");
  auto owner = client.Get("/api/v1/polls/" + closed_only.id + "/results",
                          {{"Authorization", "Bearer " + closed_only.owner_key}});
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->status, 200);
  auto wrong = client.Get("/api/v1/polls/" + closed_only.id + "/results", {{"Authorization", "Bearer nope"}});
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 403);
  SseClient sse(server_->port());
  auto stream = sse.Open("/api/v1/polls/" + closed_only.id + "/events");
  ASSERT_TRUE(stream.has_value());
  EXPECT_EQ(stream->status, 403);

  const CreatedPoll after_vote = Create(client, PollBody("after_vote"));
  client.ClearCookies();
  auto before = client.Get("/api/v1/polls/" + after_vote.id + "/results");
  EXPECT_EQ(before->status, 403);
  auto vote = client.PostJson("/api/v1/polls/" + after_vote.id + "/votes", json::object{{"choice", 2}});
  ASSERT_EQ(vote->status, 201);
  ASSERT_TRUE(client.GetCookie("pantau_did").has_value());
  auto mine = client.Get("/api/v1/polls/" + after_vote.id + "/results");
  ASSERT_EQ(mine->status, 200) << mine->body;
  EXPECT_EQ(mine->Json().at("total").to_number<int>(), 1);
  auto again = client.PostJson("/api/v1/polls/" + after_vote.id + "/votes", json::object{{"choice", 1}});
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(ProblemType(*again), "already-voted");
  EXPECT_EQ(again->Json().at("detail").as_string(), "perangkat ini sudah memberikan suara di polling ini");
  auto in_english = client.PostJson("/api/v1/polls/" + after_vote.id + "/votes", json::object{{"choice", 1}},
                                    {{"Accept-Language", "en-US,en;q=0.9"}});
  EXPECT_EQ(in_english->Json().at("detail").as_string(), "this device has already voted in this poll");
  EXPECT_EQ(in_english->Json().at("title").as_string(), "Not possible in the current state");
}

TEST_F(PollServerTest, ServerSentEventsDeliverTallyUpdates) {
  Start();
  TestClient client(server_->port());
  const CreatedPoll poll = Create(client, PollBody("live"));
  SseClient sse(server_->port());
  auto opened = sse.Open("/api/v1/polls/" + poll.id + "/events");
  ASSERT_TRUE(opened.has_value());
  ASSERT_EQ(opened->status, 200);
  auto first = sse.Next(std::chrono::seconds(5));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->event, "results");
  EXPECT_EQ(json::parse(first->data).at("total").to_number<int>(), 0);
  for (int i = 0; i < 3; ++i) {
    client.ClearCookies();
    ASSERT_EQ(client.PostJson("/api/v1/polls/" + poll.id + "/votes", json::object{{"choice", 1}})->status, 201);
  }
  int seen = 0;
  for (int i = 0; i < 5 && seen < 3; ++i) {
    auto next = sse.Next(std::chrono::seconds(5));
    ASSERT_TRUE(next.has_value()) << next.error().message;
    seen = json::parse(next->data).at("total").to_number<int>();
  }
  EXPECT_EQ(seen, 3);
}

TEST_F(PollServerTest, VerifyFindsATamperedVoteInTheVoteLogAndInAnExport) {
  Start();
  TestClient client(server_->port());
  const CreatedPoll poll = Create(client, PollBody("live"));
  for (int i = 0; i < 12; ++i) {
    client.ClearCookies();
    ASSERT_EQ(client.PostJson("/api/v1/polls/" + poll.id + "/votes", json::object{{"choice", 1}})->status, 201);
  }
  auto exported = client.Get("/api/v1/polls/" + poll.id + "/export.csv", {{"Authorization", "Bearer " + poll.owner_key}});
  ASSERT_TRUE(exported.has_value());
  ASSERT_EQ(exported->status, 200) << exported->body;
  auto forbidden = client.Get("/api/v1/polls/" + poll.id + "/export.csv");
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_EQ(server_->Stop(), 0);

  const std::string csv = (dir_ / "export.csv").string();
  std::ofstream(csv) << exported->body;
  EXPECT_EQ(RunPantau({"verify", csv}).exit_code, 0);
  std::string text = exported->body;
  const size_t row7 = text.find(poll.id + ",7,");
  ASSERT_NE(row7, std::string::npos);
  const size_t choice = text.find(",1,", row7 + poll.id.size() + 3);
  text[choice + 1] = '2';
  std::ofstream(csv, std::ios::trunc) << text;
  auto bad_csv = RunPantau({"verify", csv});
  EXPECT_EQ(bad_csv.exit_code, 1) << bad_csv.output;
  EXPECT_NE(bad_csv.output.find("seq 7"), std::string::npos) << bad_csv.output;

  EXPECT_EQ(RunPantau({"verify", db_}).exit_code, 0);
  // A forger rewrites vote 5 in the vote log, frame checksum and all: its chain no longer holds.
  const std::string segment = db_ + "-ledger/0000000001.seg";
  std::string bytes;
  {
    std::ifstream in(segment, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string rewritten = bytes.substr(0, 16);
  for (size_t at = 16;;) {
    ledger::FrameRead frame = ledger::ReadFrame(std::string_view(bytes).substr(at));
    if (frame.kind != ledger::FrameRead::Kind::kEntry) break;
    at += frame.size;
    if (frame.entry.vote.seq == 5) frame.entry.vote.choice = 3;
    ledger::AppendFrame(rewritten, frame.entry);
  }
  rewritten.resize(bytes.size(), '\0');
  std::ofstream(segment, std::ios::binary | std::ios::trunc) << rewritten;
  auto bad_db = RunPantau({"verify", db_});
  EXPECT_EQ(bad_db.exit_code, 1) << bad_db.output;
  EXPECT_NE(bad_db.output.find("seq 5"), std::string::npos) << bad_db.output;
}

TEST_F(PollServerTest, ADatabaseWithoutItsVoteLogIsNeitherServedNorVerifiedAsEmpty) {
  Start();
  TestClient client(server_->port());
  const CreatedPoll poll = Create(client, PollBody("live"));
  ASSERT_EQ(client.PostJson("/api/v1/polls/" + poll.id + "/votes", json::object{{"choice", 1}})->status, 201);
  // While it runs, a second server on the same database is refused (the log is locked).
  auto second = RunPantau({"serve", "--db", db_, "--listen", "127.0.0.1:0"});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.output.find("in use"), std::string::npos) << second.output;
  EXPECT_EQ(server_->Stop(), 0);

  std::filesystem::rename(db_ + "-ledger", db_ + "-ledger.moved");  // restored without its log
  auto verified = RunPantau({"verify", db_});
  EXPECT_EQ(verified.exit_code, 1) << verified.output;
  EXPECT_NE(verified.output.find("missing"), std::string::npos) << verified.output;
  auto served = RunPantau({"serve", "--db", db_, "--listen", "127.0.0.1:0"});
  EXPECT_NE(served.exit_code, 0);
  EXPECT_NE(served.output.find("missing"), std::string::npos) << served.output;
  EXPECT_FALSE(std::filesystem::exists(db_ + "-ledger")) << "a fresh empty log was created";

  std::filesystem::rename(db_ + "-ledger.moved", db_ + "-ledger");
  EXPECT_EQ(RunPantau({"verify", db_}).exit_code, 0);
}

TEST_F(PollServerTest, BadInputIsRefusedWithAProblemAndWritesNothing) {
  Start();
  TestClient client(server_->port());
  const CreatedPoll poll = Create(client, PollBody("live"));
  struct Case {
    std::string target, body, content_type;
    int status;
    std::string type;
  };
  json::object bad_region = PollBody("live");
  bad_region["region"] = "71.99";
  json::object backwards = PollBody("live", std::chrono::seconds(3600), std::chrono::seconds(60));
  json::object too_many = PollBody("live");
  json::array options;
  for (int i = 1; i <= 13; ++i) options.push_back(json::object{{"number", i}, {"name", "X"}});
  too_many["options"] = options;
  const std::string votes = "/api/v1/polls/" + poll.id + "/votes";
  const std::vector<Case> cases{
      {votes, "{\"choice\":", "application/json", 400, "malformed-json"},
      {votes, "{\"choice\":9}", "application/json", 400, "unknown-option"},
      {votes, "{\"choise\":1}", "application/json", 400, "invalid-field"},
      {votes, "{\"choice\":1}", "text/plain", 415, "unsupported-media-type"},
      {votes, std::string(9000, ' '), "application/json", 413, "body-too-large"},
      {"/api/v1/polls", std::string(9000, ' '), "application/json", 413, "body-too-large"},
      {"/api/v1/polls", json::serialize(bad_region), "application/json", 400, "invalid-region"},
      {"/api/v1/polls", json::serialize(backwards), "application/json", 400, "invalid-poll"},
      {"/api/v1/polls", json::serialize(too_many), "application/json", 400, "invalid-poll"},
      {"/api/v1/polls/nosuchpoll/votes", "{\"choice\":1}", "application/json", 404, "poll-not-found"},
  };
  for (const auto& c : cases) {
    TestClient fresh(server_->port());
    auto reply = fresh.Post(c.target, c.body, c.content_type);
    ASSERT_TRUE(reply.has_value()) << c.target;
    EXPECT_EQ(reply->status, c.status) << c.body.substr(0, 60) << " → " << reply->body;
    EXPECT_EQ(reply->Header("Content-Type").value_or(""), "application/problem+json") << c.body.substr(0, 60);
    EXPECT_EQ(ProblemType(*reply), c.type) << c.body.substr(0, 60);
  }
  auto list = client.Get("/api/v1/polls");
  EXPECT_EQ(list->Json().at("polls").as_array().size(), 1u);
  auto results = client.Get("/api/v1/polls/" + poll.id + "/results");
  EXPECT_EQ(results->Json().at("total").to_number<int>(), 0);
}

TEST_F(PollServerTest, ClosedAndUnopenedPollsAnswerConflict) {
  Start();
  TestClient client(server_->port());
  const CreatedPoll closed = Create(client, PollBody("live", std::chrono::seconds(-7200), std::chrono::seconds(-3600)));
  const CreatedPoll later = Create(client, PollBody("live", std::chrono::seconds(3600), std::chrono::seconds(7200)));
  auto a = client.PostJson("/api/v1/polls/" + closed.id + "/votes", json::object{{"choice", 1}});
  EXPECT_EQ(a->status, 409);
  EXPECT_EQ(ProblemType(*a), "poll-closed");
  auto b = client.PostJson("/api/v1/polls/" + later.id + "/votes", json::object{{"choice", 1}});
  EXPECT_EQ(b->status, 409);
  EXPECT_EQ(ProblemType(*b), "poll-not-open");
  // A closed poll's log is public.
  EXPECT_EQ(client.Get("/api/v1/polls/" + closed.id + "/export.csv")->status, 200);
}

TEST_F(PollServerTest, RateLimitIsPerPrefixAndAnswers429WithRetryAfter) {
  Start({"--rate-limit", "0.5", "--rate-burst", "3"});
  TestClient client(server_->port());
  const CreatedPoll poll = Create(client, PollBody("live"));
  int created = 0, limited = 0;
  std::optional<std::string> retry_after;
  for (int i = 0; i < 5; ++i) {
    client.ClearCookies();
    auto reply = client.PostJson("/api/v1/polls/" + poll.id + "/votes", json::object{{"choice", 1}});
    if (reply->status == 201) ++created;
    if (reply->status == 429) {
      ++limited;
      retry_after = reply->Header("Retry-After");
      EXPECT_EQ(ProblemType(*reply), "rate-limited");
    }
  }
  EXPECT_EQ(created, 3);
  EXPECT_EQ(limited, 2);
  ASSERT_TRUE(retry_after.has_value());
  EXPECT_GE(std::stoi(*retry_after), 1);
}

TEST_F(PollServerTest, ServesThePagesAndUnknownPollsAre404) {
  Start();
  TestClient client(server_->port());
  const CreatedPoll poll = Create(client, PollBody("live"));
  auto page = client.Get("/p/" + poll.id);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->Header("Content-Type").value_or("").find("text/html"), std::string::npos);
  EXPECT_EQ(client.Get("/api/v1/polls/zzzzzzzzzzzz")->status, 404);
  EXPECT_EQ(client.Get("/../../etc/passwd")->status, 404);
}

}  // namespace
}  // namespace pantau::integration
