// The loader on real plugin files: each refusal names the file and the reason.
#include <gtest/gtest.h>

#include "plugins/plugin_loader.hpp"

namespace llmhost::plugins {
namespace {

const std::filesystem::path kFixtures = LLMHOST_FIXTURE_DIR;

const Finding* find(const PluginSet& set, const std::string& file_part) {
  for (const auto& f : set.findings())
    if (f.path.filename().string().find(file_part) != std::string::npos) return &f;
  return nullptr;
}

std::unique_ptr<PluginSet> load(std::vector<std::filesystem::path> paths, std::vector<std::string> formats,
                                std::vector<std::string> backends = {}) {
  LoadRequest r;
  r.search_paths = std::move(paths);
  r.formats = std::move(formats);
  r.backends = std::move(backends);
  return PluginSet::load(r);
}

TEST(PluginLoader, LoadsAGoodPluginAndServesItsObject) {
  auto set = load({kFixtures / "good"}, {"good"});
  ASSERT_EQ(set->plugins().size(), 1u);
  auto* fmt = set->format("good");
  ASSERT_NE(fmt, nullptr);
  ASSERT_EQ(fmt->routes().size(), 1u);
  EXPECT_EQ(fmt->routes()[0].path, "/fixture/good");
  const auto* f = find(*set, "fixture-good");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::loaded);
  EXPECT_EQ(f->kind, "format");
}

TEST(PluginLoader, SkipsPluginsTheConfigDoesNotEnable) {
  auto set = load({kFixtures / "good"}, {"other"});
  EXPECT_TRUE(set->plugins().empty());
  const auto* f = find(*set, "fixture-good");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::skipped);
}

TEST(PluginLoader, RefusesAMissingFile) {
  auto set = load({kFixtures / "nowhere" / "libllmhost-missing.so"}, {"missing"});
  const auto* f = find(*set, "libllmhost-missing.so");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::refused);
  EXPECT_NE(f->reason.find("not found"), std::string::npos);
}

TEST(PluginLoader, RefusesAFileThatIsNotASharedLibrary) {
  auto set = load({kFixtures / "broken"}, {"x"});
  const auto* f = find(*set, "libgarbage.so");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::refused);
  EXPECT_NE(f->reason.find("cannot be loaded"), std::string::npos) << f->reason;
}

TEST(PluginLoader, RefusesALibraryWithoutDescriptor) {
  auto set = load({kFixtures / "broken"}, {"notplugin"});
  const auto* f = find(*set, "fixture-not-plugin");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::refused);
  EXPECT_NE(f->reason.find("not an llmhost plugin"), std::string::npos) << f->reason;
}

TEST(PluginLoader, RefusesAnotherAbiVersion) {
  auto set = load({kFixtures / "broken"}, {"badabi"});
  const auto* f = find(*set, "fixture-bad-abi");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::refused);
  EXPECT_NE(f->reason.find("ABI version 999"), std::string::npos) << f->reason;
  EXPECT_EQ(f->name, "badabi");
}

TEST(PluginLoader, RefusesTheWrongKind) {
  // A format plugin configured as a backend.
  auto set = load({kFixtures / "good"}, {}, {"good"});
  const auto* f = find(*set, "fixture-good");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::refused);
  EXPECT_NE(f->reason.find("wrong kind"), std::string::npos) << f->reason;
  EXPECT_TRUE(set->plugins().empty());
}

TEST(PluginLoader, RefusesAPluginWhoseObjectContradictsItsDeclaredKind) {
  auto set = load({kFixtures / "broken"}, {}, {"liar"});
  const auto* f = find(*set, "fixture-liar");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::refused);
  EXPECT_NE(f->reason.find("does not implement the backend interface"), std::string::npos) << f->reason;
}

TEST(PluginLoader, RefusesADuplicateName) {
  auto set = load({kFixtures / "dup"}, {"dup"});
  EXPECT_EQ(set->plugins().size(), 1u);
  const auto* b = find(*set, "fixture-dup-b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->outcome, Finding::Outcome::refused);
  EXPECT_NE(b->reason.find("duplicate plugin name 'dup'"), std::string::npos) << b->reason;
  EXPECT_NE(b->reason.find("fixture-dup-a"), std::string::npos) << b->reason;
}

TEST(PluginLoader, RefusesAPluginThatThrowsWhileInitialising) {
  auto set = load({kFixtures / "broken"}, {"throws"});
  const auto* f = find(*set, "fixture-throws");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::refused);
  EXPECT_NE(f->reason.find("threw while initialising: fixture refuses to start"), std::string::npos) << f->reason;
  EXPECT_TRUE(set->plugins().empty());
}

TEST(PluginLoader, RefusesAPluginWhoseInitFails) {
  auto set = load({kFixtures / "broken"}, {"failsinit"});
  const auto* f = find(*set, "fixture-fails-init");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::refused);
  EXPECT_NE(f->reason.find("fixture init status error"), std::string::npos) << f->reason;
}

TEST(PluginLoader, RefusesAPluginThatCannotCreateItsObject) {
  auto set = load({kFixtures / "broken"}, {"nocreate"});
  const auto* f = find(*set, "fixture-no-create");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->outcome, Finding::Outcome::refused);
  EXPECT_NE(f->reason.find("failed to create"), std::string::npos) << f->reason;
}

TEST(PluginLoader, ReportsAConfiguredPluginThatIsNowhere) {
  auto set = load({kFixtures / "good"}, {"ghost"});
  bool found = false;
  for (const auto& f : set->findings())
    if (f.name == "ghost") {
      found = true;
      EXPECT_EQ(f.outcome, Finding::Outcome::refused);
      EXPECT_NE(f.reason.find("no plugin named 'ghost'"), std::string::npos);
    }
  EXPECT_TRUE(found);
}

} // namespace
} // namespace llmhost::plugins
