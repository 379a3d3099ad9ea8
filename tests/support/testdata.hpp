// Locating ../shared/testdata from tests. Tests that need it call LLMHOST_REQUIRE_TESTDATA()
// first, which skips the test with a clear message when the folder is absent.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace llmhost::testing {

inline std::filesystem::path testdata_dir() { return LLMHOST_TESTDATA_DIR; }
inline bool have_testdata() { return std::filesystem::is_directory(testdata_dir()); }
inline std::filesystem::path testdata(const std::string& rel) { return testdata_dir() / rel; }

} // namespace llmhost::testing

#define LLMHOST_REQUIRE_TESTDATA()                                                              \
  do {                                                                                          \
    if (!::llmhost::testing::have_testdata())                                                   \
      GTEST_SKIP() << "shared test data not found at " << ::llmhost::testing::testdata_dir()   \
                   << " (clone the project next to ../shared to run this test)";                \
  } while (0)
