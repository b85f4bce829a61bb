// End to end through the integrity CLI driver (the same Add*Command functions `pantau` registers):
// exit codes, the files DESIGN.md §5 promises, and error messages naming row and column.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

RunResult RunCli(const std::string& args, const fs::path& dir) {
  const std::string cmd = std::string(PANTAU_INTEGRITY_CLI) + " " + args + " >" + (dir / "stdout").string() + " 2>" +
                          (dir / "stderr").string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(dir / "stdout"), ReadFile(dir / "stderr")};
}

fs::path FreshDir(const std::string& name) {
  const fs::path dir = fs::path(testing::TempDir()) / ("pantau_integrity_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(AnalyzeCommand, SimulateThenAnalyzeWritesFlagsAndReport) {
  const fs::path dir = FreshDir("e2e");
  const RunResult sim = RunCli("simulate --scenario mixed --seed 3 --votes 5000 --out " + dir.string(), dir);
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  const std::string votes = ReadFile(dir / "votes.csv");
  const auto rows = static_cast<size_t>(std::count(votes.begin(), votes.end(), '\n')) - 1;
  ASSERT_GT(rows, 5000u);
  EXPECT_TRUE(ReadFile(dir / "truth.csv").starts_with("row,label\n1,"));
  EXPECT_NE(ReadFile(dir / "shares.json").find("\"true_organic_shares\":["), std::string::npos);

  const RunResult an = RunCli("analyze --input " + (dir / "votes.csv").string() + " --flags " + (dir / "flags.csv").string() +
                                  " --json " + (dir / "report.json").string() + " --epsilon 0.02", dir);
  ASSERT_EQ(an.exit_code, 0) << an.err;
  const std::string flags = ReadFile(dir / "flags.csv");
  EXPECT_TRUE(flags.starts_with("row,flagged,cohort\n1,")) << flags.substr(0, 80);
  EXPECT_EQ(static_cast<size_t>(std::count(flags.begin(), flags.end(), '\n')), rows + 1);
  EXPECT_NE(flags.find(",1,C1\n"), std::string::npos);
  const std::string report = ReadFile(dir / "report.json");
  for (const char* key : {"\"options\":[{\"choice\":", "\"adjusted_share\":", "\"cohorts\":[{\"id\":\"C1\"",
                          "\"network_class\":\"government\"", "\"state_apparatus\":true", "\"evidence\":[",
                          "\"winner\":{\"raw\":\"Paslon 2\",\"adjusted\":\"Paslon 1\",\"flip_contamination\":0.",
                          "\"contamination_low\":", "\"contamination\":{\"epsilon\":0.02,"})
    EXPECT_NE(report.find(key), std::string::npos) << key;
  EXPECT_NE(an.out.find("possible state-apparatus mobilisation"), std::string::npos);
  EXPECT_NE(an.out.find("with 2% contamination"), std::string::npos) << an.out;
  EXPECT_NE(an.out.find("UTC+8.0"), std::string::npos);  // WITA unless told otherwise

  // The simulated poll runs in Kota Bogor: its zone (WIB) sets office hours.
  const RunResult bogor = RunCli("analyze --replicates 0 --region 32.71 --input " + (dir / "votes.csv").string(), dir);
  ASSERT_EQ(bogor.exit_code, 0) << bogor.err;
  EXPECT_NE(bogor.out.find("UTC+7.0"), std::string::npos) << bogor.out;
}

TEST(AnalyzeCommand, MalformedInputExitsNonZeroNamingRowAndColumn) {
  const fs::path dir = FreshDir("bad");
  struct Case {
    const char* name;
    std::string text;
    const char* message;
  };
  std::string huge = "time,choice,ip\n1732090503,A,";
  huge.append(50u << 20, '1');
  huge += "\n";
  const Case cases[] = {
      {"missing", "time,ip\n1732090503,1.2.3.4\n", "header: missing required column 'choice'"},
      {"time", "time,choice,ip\n1732090503,A,1.2.3.4\nyesterday,A,1.2.3.4\n", "row 2, column 'time': bad time"},
      {"ip", "time,choice,ip\n1732090503,A,1.2.3.400\n", "row 1, column 'ip': "},
      {"quote", "time,choice,ip\n1732090503,\"A\"B,1.2.3.4\n", "row 1, column 'choice': unexpected character after a closing quote"},
      {"empty", "", "empty file: no header row"},
      {"huge", huge, "row 1, column 'ip': field too long"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WriteFile(dir / "in.csv", c.text);
    const RunResult r = RunCli("analyze --input " + (dir / "in.csv").string(), dir);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  const RunResult missing = RunCli("analyze --input " + (dir / "does-not-exist.csv").string(), dir);
  EXPECT_EQ(missing.exit_code, 2);
}

TEST(AnalyzeCommand, LenientSkipsBadRowsAndStillFlagsEveryDataRow) {
  const fs::path dir = FreshDir("lenient");
  WriteFile(dir / "in.csv", "time,choice,ip\n1732090503,A,1.2.3.4\nnope,A,1.2.3.4\n1732090505,B,1.2.3.5\n");
  const RunResult r = RunCli("analyze --lenient --input " + (dir / "in.csv").string() + " --flags " + (dir / "f.csv").string(), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("skipped 1 bad row(s) of 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("row 2, column 'time'"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(dir / "f.csv"), "row,flagged,cohort\n1,0,\n2,0,\n3,0,\n");
}

}  // namespace
