#include "engine/sampler/stop_matcher.hpp"

#include <random>

#include <gtest/gtest.h>

namespace llmhost::sampling {
namespace {

// Feeds `pieces` and returns everything emitted (including the final flush when not stopped).
std::string stream(StopMatcher& m, const std::vector<std::string>& pieces, bool* stopped = nullptr) {
  std::string all;
  bool stop = false;
  for (const auto& p : pieces) {
    auto out = m.push(p);
    all += out.emit;
    if (out.stopped) {
      stop = true;
      break;
    }
  }
  if (!stop) all += m.flush();
  if (stopped) *stopped = stop;
  return all;
}

TEST(StopMatcher, NoStopsPassesEverythingThrough) {
  StopMatcher m({});
  auto out = m.push("hello");
  EXPECT_EQ(out.emit, "hello");
  EXPECT_FALSE(out.stopped);
  EXPECT_EQ(m.flush(), "");
}

TEST(StopMatcher, StopInsideOnePush) {
  StopMatcher m({"END"});
  auto out = m.push("abcENDdef");
  EXPECT_EQ(out.emit, "abc");
  EXPECT_TRUE(out.stopped);
  EXPECT_EQ(m.matched(), "END");
  EXPECT_TRUE(m.push("more").stopped);
  EXPECT_EQ(m.push("more").emit, "");
}

TEST(StopMatcher, StopSpanningPushesIsNeverEmittedPartially) {
  StopMatcher m({"</s>"});
  auto a = m.push("Hello <");
  EXPECT_EQ(a.emit, "Hello ");
  auto b = m.push("/");
  EXPECT_EQ(b.emit, "");
  auto c = m.push("s");
  EXPECT_EQ(c.emit, "");
  auto d = m.push(">tail");
  EXPECT_EQ(d.emit, "");
  EXPECT_TRUE(d.stopped);
}

TEST(StopMatcher, FalseStartIsReleased) {
  StopMatcher m({"</s>"});
  EXPECT_EQ(m.push("a</").emit, "a");
  auto out = m.push("b>");
  EXPECT_EQ(out.emit, "</b>");
  EXPECT_FALSE(out.stopped);
  EXPECT_EQ(m.push("x<").emit, "x");
  EXPECT_EQ(m.flush(), "<");
}

TEST(StopMatcher, OverlappingPrefixes) {
  // "aab" must be found in "aaab" even though the first 'a' starts a failed attempt.
  StopMatcher m({"aab"});
  bool stopped = false;
  EXPECT_EQ(stream(m, {"a", "a", "a", "b", "zzz"}, &stopped), "a");
  EXPECT_TRUE(stopped);
}

TEST(StopMatcher, MultipleStopsEarliestWins) {
  StopMatcher m({"world", "lo w"});
  auto out = m.push("hello world");
  EXPECT_TRUE(out.stopped);
  EXPECT_EQ(out.emit, "hel");
  EXPECT_EQ(m.matched(), "lo w");
}

TEST(StopMatcher, MultipleStopsHoldBackLongestPartial) {
  StopMatcher m({"\n\nUser:", "###"});
  EXPECT_EQ(m.push("text\n").emit, "text");
  EXPECT_EQ(m.push("\nUs").emit, "");
  auto out = m.push("age");
  EXPECT_EQ(out.emit, "\n\nUsage");
  EXPECT_FALSE(out.stopped);
  EXPECT_EQ(m.push("##").emit, "");
  auto end = m.push("#");
  EXPECT_TRUE(end.stopped);
  EXPECT_EQ(end.emit, "");
}

TEST(StopMatcher, EmptyStopStringsIgnored) {
  StopMatcher m({"", "X"});
  EXPECT_EQ(stream(m, {"abc", "d"}), "abcd");
}

TEST(StopMatcher, CharByCharEqualsWholeText) {
  const std::string text = "The cat sat. STOP here";
  StopMatcher whole({"STOP"});
  StopMatcher chars({"STOP"});
  std::vector<std::string> pieces;
  for (char ch : text) pieces.emplace_back(1, ch);
  EXPECT_EQ(stream(whole, {text}), "The cat sat. ");
  EXPECT_EQ(stream(chars, pieces), "The cat sat. ");
}

TEST(StopMatcher, RandomSplitsMatchOfflineSearch) {
  // Over a two-letter alphabet stops overlap themselves often; any split of the text must give
  // the text before the first occurrence, and never emit more.
  std::mt19937 rng(1);
  const std::string stops[] = {"aab", "abab", "ba", "aaa"};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int len = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < len; ++i) text += (rng() % 2) ? 'a' : 'b';
    const std::string& stop = stops[rng() % 4];
    std::vector<std::string> pieces;
    for (size_t i = 0; i < text.size();) {
      const size_t n = 1 + rng() % 4;
      pieces.push_back(text.substr(i, n));
      i += n;
    }
    StopMatcher m({stop});
    bool stopped = false;
    const std::string got = stream(m, pieces, &stopped);
    const size_t at = text.find(stop);
    EXPECT_EQ(stopped, at != std::string::npos) << text << " / " << stop;
    EXPECT_EQ(got, text.substr(0, at)) << text << " / " << stop;
  }
}

} // namespace
} // namespace llmhost::sampling
