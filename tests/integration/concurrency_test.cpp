// User stories of many clients at once: parallel slots, a full queue, clients that go away, and
// a shutdown while a stream is in flight.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace llmhost::testing::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// Whether a TCP connect to the loopback port is refused. A listening socket whose server no
// longer accepts would still complete the handshake (the kernel queues it), so this tells a
// closed listener from one that merely stopped answering.
bool connection_refused(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int err = errno;
  ::close(fd);
  return rc != 0 && err == ECONNREFUSED;
}

class Concurrency : public BackendTest {
 protected:
  // Reads a streamed /api/generate body to its end; returns the text and the done line.
  static std::pair<std::string, json> read_generate_stream(StreamingResponse& s) {
    std::string text;
    json last;
    while (auto line = s.next_line()) {
      if (line->empty()) continue;
      last = json::parse(*line);
      text += last.value("response", "");
    }
    return {text, last};
  }
  // An endless generation (until the context is full) holding the only slot, already started.
  std::unique_ptr<StreamingResponse> occupy_slot() {
    auto s = host().open_stream("POST", "/api/generate", generate_body("Once upon a time", -1, true).dump());
    EXPECT_EQ(s->status(), 200);
    EXPECT_TRUE(s->next_line().has_value()) << "the first token never came";
    return s;
  }
};

// Eight clients streaming at once over two slots each get exactly their own greedy text.
TEST_P(Concurrency, EightStreamsOverTwoSlotsEachGetTheirOwnText) {
  ASSERT_NO_FATAL_FAILURE(start("models:\n  parallel: 2\n"));
  const int n = tokens(24);
  const std::vector<std::string> prompts{"Once upon a time", "The little dog", "Tom had a red ball.",
                                         "Lily and Ben went to the park. They"};
  std::vector<std::string> expected;
  for (const auto& p : prompts) {
    auto r = post("/api/generate", generate_body(p, n, false));
    ASSERT_EQ(r.status, 200) << r.body;
    expected.push_back(json::parse(r.body)["response"]);
  }
  std::vector<std::future<std::pair<std::string, json>>> streams;
  for (int i = 0; i < 8; ++i)
    streams.push_back(std::async(std::launch::async, [&, i] {
      auto s = host().open_stream("POST", "/api/generate", generate_body(prompts[i % 4], n, true).dump());
      EXPECT_EQ(s->status(), 200);
      return read_generate_stream(*s);
    }));
  for (int i = 0; i < 8; ++i) {
    auto [text, done] = streams[static_cast<size_t>(i)].get();
    EXPECT_EQ(text, expected[static_cast<size_t>(i % 4)]) << "stream " << i;
    EXPECT_EQ(done["done"], true) << "stream " << i;
    EXPECT_EQ(done["eval_count"], n) << "stream " << i;
  }
}

// Queueing, cancellation and shutdown happen above the backend: checked on cpu only.
class ClientsComeAndGo : public Concurrency {};

// With the slot busy and the queue full, requests are refused with 503 in their API's shape,
// and the queued request still completes.
TEST_P(ClientsComeAndGo, FullQueueRefusesWith503InEachApisShape) {
  ASSERT_NO_FATAL_FAILURE(start("models:\n  parallel: 1\n  max_queue: 1\n  context_length: 2048\n"));
  auto busy = occupy_slot();
  ASSERT_FALSE(HasFailure());
  struct Outcome {
    bool openai;
    HttpResult result;
  };
  std::vector<std::future<Outcome>> requests;
  for (int i = 0; i < 4; ++i)
    requests.push_back(std::async(std::launch::async, [&, i] {
      const bool openai = i % 2 == 1;
      json body = openai ? json{{"model", kModel}, {"prompt", "Once"}, {"max_tokens", 4}, {"temperature", 0}}
                         : generate_body("Once", 4, false);
      return Outcome{openai, post(openai ? "/v1/completions" : "/api/generate", body)};
    }));
  // Three are refused at once; the fourth waits in the queue until the slot frees.
  int refused_native = 0, refused_openai = 0;
  std::vector<Outcome> outcomes;
  for (auto& f : requests) {
    if (f.wait_for(std::chrono::seconds(1)) != std::future_status::ready) continue;
    outcomes.push_back(f.get());
  }
  busy->close();
  for (auto& f : requests)
    if (f.valid()) outcomes.push_back(f.get());
  int ok = 0;
  for (const auto& o : outcomes) {
    const json body = json::parse(o.result.body);
    if (o.result.status == 200) {
      ++ok;
      continue;
    }
    ASSERT_EQ(o.result.status, 503) << o.result.body;
    if (o.openai) {
      ++refused_openai;
      EXPECT_TRUE(body["error"]["message"].is_string()) << o.result.body;
      EXPECT_FALSE(body["error"]["type"].get<std::string>().empty()) << o.result.body;
    } else {
      ++refused_native;
      EXPECT_NE(body["error"].get<std::string>().find("busy"), std::string::npos) << o.result.body;
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_GE(refused_native, 1);
  EXPECT_GE(refused_openai, 1);
}

// A client that goes away mid-stream gives its slot back at once.
TEST_P(ClientsComeAndGo, DisconnectingMidStreamFreesTheSlot) {
  // No queue: while the first generation holds the slot, any other request is refused.
  ASSERT_NO_FATAL_FAILURE(start("models:\n  parallel: 1\n  max_queue: 0\n  context_length: 2048\nlogging:\n  level: debug\n"));
  auto first = occupy_slot();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(post("/api/generate", generate_body("Tom", 4, false)).status, 503);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(first->next_line().has_value());
  first->close();

  HttpResult second;
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  do {
    second = post("/api/generate", generate_body("Tom", 4, false));
    if (second.status != 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (Clock::now() < deadline);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(json::parse(second.body)["eval_count"], 4);
  // The first generation was cut short, not run to its end.
  EXPECT_NE(host().logs().find("ended early: client gone"), std::string::npos) << host().logs();
}

// SIGTERM lets the stream in flight finish, refuses new connections, then exits 0.
TEST_P(ClientsComeAndGo, SigtermFinishesTheStreamInFlightThenExits) {
  ASSERT_NO_FATAL_FAILURE(start("models:\n  parallel: 1\n  context_length: 2048\nserver:\n  shutdown_grace_s: 60\n"));
  // Long enough to still be running when the signal arrives; software Vulkan is far slower.
  const int n = vulkan() ? 200 : 2000;
  auto stream = host().open_stream("POST", "/api/generate", generate_body("Once upon a time", n, true).dump());
  ASSERT_EQ(stream->status(), 200);
  ASSERT_TRUE(stream->next_line().has_value());
  host().send_signal(SIGTERM);
  bool refused = false;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (!(refused = connection_refused(host().port())) && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(refused) << "new connections were still accepted after SIGTERM";

  auto [text, done] = read_generate_stream(*stream);
  EXPECT_EQ(done["done"], true) << host().logs();
  EXPECT_EQ(done["eval_count"], n);
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(host().wait_exit(60), 0) << host().logs();
}

INSTANTIATE_TEST_SUITE_P(Backends, Concurrency, ::testing::Values("cpu", "vulkan"), backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, ClientsComeAndGo, ::testing::Values("cpu", "vulkan"), backend_name);

} // namespace
} // namespace llmhost::testing::e2e
