// A third party's view: install the SDK, build docs/examples/hello-format against it out of
// tree, and have the host load that plugin and serve its route.
#include <gtest/gtest.h>

#include "host_process.hpp"

namespace llmhost::testing {
namespace {

TEST(InstalledSdk, BuildsAnOutOfTreePluginThatTheHostServes) {
  const auto work = make_temp_dir("llmhost-sdk");
  const auto prefix = work / "prefix";
  const auto build = work / "hello-build";
  std::string out;
  ASSERT_EQ(run_command({"cmake", "--install", LLMHOST_BUILD_DIR, "--prefix", prefix.string(), "--component", "sdk"}, out), 0) << out;
  ASSERT_TRUE(std::filesystem::exists(prefix / "include" / "llmhost" / "sdk.hpp")) << out;
  out.clear();
  ASSERT_EQ(run_command({"cmake", "-S", std::string(LLMHOST_SOURCE_DIR) + "/docs/examples/hello-format", "-B", build.string(),
                         "-DCMAKE_PREFIX_PATH=" + prefix.string(), "-DCMAKE_BUILD_TYPE=Release"},
                        out),
            0)
      << out;
  out.clear();
  ASSERT_EQ(run_command({"cmake", "--build", build.string(), "-j2"}, out), 0) << out;
  ASSERT_TRUE(std::filesystem::exists(build / "libllmhost-hello.so")) << out;

  const auto models = work / "models";
  HostProcess host;
  const std::string yaml = "plugins:\n  search_paths: [\"" + build.string() + "\"]\n  formats: [openai, native, hello]\n";
  ASSERT_TRUE(host.start(test_config(models, yaml))) << host.logs();
  auto r = host.request("GET", "/hello");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.rfind("hello from llmhost ", 0), 0u) << r.body;
  EXPECT_NE(host.logs().find("[plugin hello] hello format ready"), std::string::npos) << host.logs();
  host.stop();
  std::filesystem::remove_all(work);
}

} // namespace
} // namespace llmhost::testing
