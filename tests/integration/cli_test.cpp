// The command line as a user meets it: one-shot `run` on a GGUF path (in-process host) and on a
// store name through a running host, and `bench` in llama-bench's JSON shape.
#include "e2e_support.hpp"
#include "testdata.hpp"

namespace llmhost::testing::e2e {
namespace {

TEST(Cli, RunOneShotOnAGgufPathWithoutAHost) {
  LLMHOST_REQUIRE_TESTDATA();
  std::string out;
  const auto models = make_temp_dir("llmhost-cli-models");
  const int rc = run_command({llmhost_binary().string(), "run", testdata("stories260K.gguf").string(), "--local"}, out,
                             {{"LLMHOST_MODELS", models.string()}}, "Once upon a time");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_GT(out.size(), 100u) << out;
  EXPECT_NE(out.find(" a "), std::string::npos) << out; // English words, not noise
  std::filesystem::remove_all(models);
}

TEST(Cli, RunTalksToARunningHost) {
  LLMHOST_REQUIRE_TESTDATA();
  ModelHost mh;
  ASSERT_TRUE(mh.start("cpu"));
  std::string out;
  const int rc = run_command({llmhost_binary().string(), "run", kModel, "Once upon a time"}, out,
                             {{"LLMHOST_HOST", "127.0.0.1:" + std::to_string(mh.host().port())}});
  EXPECT_EQ(rc, 0) << out;
  EXPECT_GT(out.size(), 20u) << out;
  EXPECT_TRUE(mh.host().wait_for_log("POST /api/chat 200")) << mh.host().logs();
}

TEST(Cli, BenchPrintsLlamaBenchJson) {
  LLMHOST_REQUIRE_TESTDATA();
  std::string out;
  const int rc = run_command({llmhost_binary().string(), "bench", "-m", testdata("stories260K.gguf").string(), "-p", "16",
                              "-n", "8", "-r", "2", "-t", "1", "-o", "json"},
                             out);
  ASSERT_EQ(rc, 0) << out;
  auto runs = json::parse(out.substr(out.find('[')), nullptr, false);
  ASSERT_TRUE(runs.is_array()) << out;
  ASSERT_EQ(runs.size(), 2u) << out;
  EXPECT_EQ(runs[0]["n_prompt"], 16);
  EXPECT_EQ(runs[1]["n_gen"], 8);
  for (const auto& r : runs) {
    EXPECT_EQ(r["n_threads"], 1);
    EXPECT_GT(r["avg_ts"].get<double>(), 0.0);
    EXPECT_GE(r["stddev_ts"].get<double>(), 0.0);
  }
}

} // namespace
} // namespace llmhost::testing::e2e
