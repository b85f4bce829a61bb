#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "http/fake_request.h"
#include "http/test_client.h"

namespace pantau::http {
namespace {

namespace fs = std::filesystem;
using testing::FakeRequest;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pantau-static-" + std::to_string(std::random_device{}()));
    root_ = dir_ / "web";
    fs::create_directories(root_ / "assets");
    fs::create_directories(root_ / "sub");
    Write(root_ / "index.html", "<h1>index</h1>");
    Write(root_ / "poll.html", "<h1>poll</h1>");
    Write(root_ / "app.js", "console.log(1)");
    Write(root_ / "assets" / "app-3f9a.js", "hashed");
    Write(root_ / "sub" / "index.html", "sub index");
    Write(root_ / "font.woff2", "w2");
    Write(dir_ / "secret.txt", "TOP SECRET");
    fs::create_symlink(dir_ / "secret.txt", root_ / "link.txt");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Write(const fs::path& p, std::string_view text) {
    std::ofstream(p, std::ios::binary) << text;
  }

  Result<Response> Get(const StaticFiles& files, std::string_view url_path) {
    FakeRequest req(Verb::get, url_path);
    return files.Serve(url_path, req.Context());
  }

  fs::path dir_, root_;
};

TEST_F(StaticFilesTest, ServesFilesWithContentTypeEtagAndCaching) {
  StaticFiles files(root_);
  auto r = Get(files, "/app.js");
  ASSERT_TRUE(r) << r.error().ToLogString();
  EXPECT_EQ(r->status(), HttpStatus::ok);
  EXPECT_EQ(r->body(), "console.log(1)");
  EXPECT_EQ(r->content_type(), "text/javascript; charset=utf-8");
  EXPECT_TRUE(r->FindHeader("ETag").has_value());
  EXPECT_EQ(r->FindHeader("Cache-Control").value_or(""), "public, max-age=300");
  auto html = Get(files, "/poll.html");
  ASSERT_TRUE(html);
  EXPECT_EQ(html->FindHeader("Cache-Control").value_or(""), "no-cache");
  auto hashed = Get(files, "/assets/app-3f9a.js");
  ASSERT_TRUE(hashed);
  EXPECT_EQ(hashed->FindHeader("Cache-Control").value_or(""), "public, max-age=31536000, immutable");
  EXPECT_EQ(Get(files, "/font.woff2")->content_type(), "font/woff2");
}

TEST_F(StaticFilesTest, DirectoriesServeTheirIndex) {
  StaticFiles files(root_);
  EXPECT_EQ(Get(files, "/")->body(), "<h1>index</h1>");
  EXPECT_EQ(Get(files, "/sub/")->body(), "sub index");
  EXPECT_EQ(Get(files, "/sub")->body(), "sub index");
}

TEST_F(StaticFilesTest, IfNoneMatchGives304) {
  StaticFiles files(root_);
  auto first = Get(files, "/app.js");
  ASSERT_TRUE(first);
  const std::string etag(first->FindHeader("ETag").value());
  FakeRequest req(Verb::get, "/app.js");
  req.Set("If-None-Match", "\"other\", W/" + etag);
  auto again = files.Serve("/app.js", req.Context());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status(), HttpStatus::not_modified);
  EXPECT_EQ(again->FindHeader("ETag").value_or(""), etag);
}

TEST_F(StaticFilesTest, ChangedFilesAreReloaded) {
  StaticFiles files(root_);
  auto before = Get(files, "/app.js");
  Write(root_ / "app.js", "console.log(2) // longer");
  auto after = Get(files, "/app.js");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body(), "console.log(2) // longer");
  EXPECT_NE(before->FindHeader("ETag"), after->FindHeader("ETag"));
}

TEST_F(StaticFilesTest, RefusesTraversalAndOddPaths) {
  StaticFiles files(root_);
  for (const char* path :
       {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
        "/..%2fsecret.txt", "/..%2Fsecret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "//etc/passwd",
        "/%2fetc%2fpasswd", "/..%5csecret.txt", "/link.txt", "/app.js%00.html", "/./app.js",
        "/sub//index.html", "/missing.js", "/%zz", "etc/passwd", ""}) {
    auto r = Get(files, path);
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound) << path;
  }
}

TEST_F(StaticFilesTest, FileHandlerServesOneFileForAPattern) {
  StaticFiles files(root_);
  Router router;
  router.Add(Verb::get, "/p/{id}", files.File("poll.html"));
  router.Add(Verb::get, "/{*path}", files.Directory());
  testing::TestServer server(router);
  testing::TestClient client(server.port());
  auto poll = client.Get("/p/abc123");
  ASSERT_TRUE(poll) << poll.error().message;
  EXPECT_EQ(poll->status, 200);
  EXPECT_EQ(poll->body, "<h1>poll</h1>");
  EXPECT_EQ(poll->Header("Content-Type").value_or(""), "text/html; charset=utf-8");
  auto index = client.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->body, "<h1>index</h1>");
  auto head = client.Request("HEAD", "/app.js");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(head->Header("Content-Length").value_or(""), "14");
  EXPECT_THROW(files.File("../secret.txt"), std::invalid_argument);
}

TEST_F(StaticFilesTest, TraversalOverTheWireIs404) {
  StaticFiles files(root_);
  Router router;
  router.Add(Verb::get, "/{*path}", files.Directory());
  testing::TestServer server(router);
  for (const char* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                             "/assets/../../secret.txt", "/link.txt"}) {
    testing::TestClient client(server.port());
    auto r = client.SendRaw(std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r) << target << ": " << r.error().message;
    EXPECT_EQ(r->status, 404) << target;
    EXPECT_EQ(r->body.find("SECRET"), std::string::npos) << target;
  }
  testing::TestClient client(server.port());
  auto absolute = client.SendRaw("GET http://127.0.0.1/../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(absolute);
  EXPECT_EQ(absolute->body.find("SECRET"), std::string::npos);
}

}  // namespace
}  // namespace pantau::http
