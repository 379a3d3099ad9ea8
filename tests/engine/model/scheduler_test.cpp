// The scheduler on stories260K: continuous batching over slots, queueing, cancellation,
// prefix reuse and context limits, checked against llama2.c's greedy reference.
#include <gtest/gtest.h>

#include <atomic>
#include <list>
#include <thread>

#include "cpu_device.hpp"
#include "engine/model/scheduler.hpp"
#include "job_watch.hpp"
#include "stories_reference.hpp"

namespace llmhost::engine {
namespace {

using testing::JobWatch;

// Slows a job down (a slow client) so that it is surely still running when the test acts.
bool slow_client(size_t) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return true;
}

sampling::SamplerConfig greedy() {
  sampling::SamplerConfig c;
  c.temperature = 0;
  c.repeat_penalty = 1.0f;
  c.random_seed = false;
  return c;
}

Job greedy_job(const std::vector<int32_t>& prompt, int32_t max_tokens = testing::kStoriesPredict,
               bool stop_at_end = true) {
  Job job;
  job.prompt = prompt;
  job.sampler = greedy();
  job.max_tokens = max_tokens;
  if (stop_at_end) job.stop_tokens = {testing::kStoriesBos, testing::kStoriesEos};
  return job;
}

// The finish reason the reference implies: it was cut at an end token, or ran to n_predict.
FinishReason expected_reason(const testing::ReferenceRun& run) {
  return run.greedy_ids.size() < size_t(testing::kStoriesPredict) ? FinishReason::stop : FinishReason::length;
}

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LLMHOST_REQUIRE_TESTDATA();
    runs_ = testing::load_reference_runs();
    model_ = testing::load_model(testing::stories_model_path());
    ASSERT_TRUE(model_);
  }

  std::unique_ptr<Scheduler> make(SchedulerConfig config) {
    auto s = Scheduler::create(model_, config);
    EXPECT_TRUE(s) << s.status().message;
    return s ? std::move(s.value()) : nullptr;
  }

  std::vector<testing::ReferenceRun> runs_;
  std::shared_ptr<const Model> model_;
};

TEST_F(SchedulerTest, EightConcurrentJobsOnTwoSlotsAllMatchReference) {
  auto sched = make({.n_slots = 2, .n_ctx = 128, .n_batch = 8, .max_queue = 8, .kv_type = TensorType::F32});
  ASSERT_TRUE(sched);
  std::list<JobWatch> watches(8);
  std::vector<const testing::ReferenceRun*> expected;
  std::vector<std::thread> submitters; // as HTTP threads would
  std::atomic<int> refused{0};
  size_t n = 0;
  for (JobWatch& watch : watches) {
    const auto& run = runs_[n++ % runs_.size()];
    expected.push_back(&run);
    submitters.emplace_back([&, job = greedy_job(run.prompt_ids)]() mutable {
      watch.attach(job);
      if (!sched->submit(std::move(job))) ++refused;
    });
  }
  for (auto& t : submitters) t.join();
  ASSERT_EQ(refused, 0);
  size_t i = 0;
  for (auto& w : watches) {
    auto result = w.wait();
    ASSERT_TRUE(result) << "job " << i << " did not finish";
    EXPECT_EQ(w.tokens(), expected[i]->greedy_ids) << "job " << i;
    EXPECT_EQ(result->reason, expected_reason(*expected[i])) << "job " << i;
    EXPECT_EQ(result->generated, int32_t(expected[i]->greedy_ids.size()));
    EXPECT_EQ(result->prompt_tokens, int32_t(expected[i]->prompt_ids.size()));
    EXPECT_GT(result->prompt_eval_ns, 0);
    EXPECT_GT(result->eval_ns, 0);
    ++i;
  }
  const SchedulerStats stats = sched->stats();
  EXPECT_EQ(stats.active, 0);
  EXPECT_EQ(stats.queued, 0);
}

TEST_F(SchedulerTest, ExtendingACachedPromptReusesItAndMatchesAFreshSlot) {
  auto sched = make({.n_slots = 2, .n_ctx = 128, .kv_type = TensorType::F32});
  ASSERT_TRUE(sched);
  const auto& run = runs_[3];
  ASSERT_GE(run.greedy_ids.size(), 12u);

  JobWatch first;
  Job job1 = greedy_job(run.prompt_ids, 10);
  first.attach(job1);
  ASSERT_TRUE(sched->submit(std::move(job1)));
  ASSERT_TRUE(first.wait());
  EXPECT_EQ(first.tokens(), std::vector<int32_t>(run.greedy_ids.begin(), run.greedy_ids.begin() + 10));

  // A second turn: the prompt plus five generated tokens; the rest must continue the reference.
  std::vector<int32_t> extended = run.prompt_ids;
  extended.insert(extended.end(), run.greedy_ids.begin(), run.greedy_ids.begin() + 5);
  JobWatch second;
  Job job2 = greedy_job(extended, 7);
  second.attach(job2);
  ASSERT_TRUE(sched->submit(std::move(job2)));
  auto result = second.wait();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->cached_tokens, int32_t(extended.size()) - 1);
  EXPECT_EQ(second.tokens(), std::vector<int32_t>(run.greedy_ids.begin() + 5, run.greedy_ids.begin() + 12));

  // Same prompt on a fresh scheduler: identical tokens, nothing cached.
  auto fresh = make({.n_slots = 1, .n_ctx = 128, .kv_type = TensorType::F32});
  JobWatch third;
  Job job3 = greedy_job(extended, 7);
  third.attach(job3);
  ASSERT_TRUE(fresh->submit(std::move(job3)));
  auto fresh_result = third.wait();
  ASSERT_TRUE(fresh_result);
  EXPECT_EQ(fresh_result->cached_tokens, 0);
  EXPECT_EQ(third.tokens(), second.tokens());
}

TEST_F(SchedulerTest, CancelFreesTheSlotForTheNextJob) {
  auto sched = make({.n_slots = 1, .n_ctx = 256, .max_queue = 4, .kv_type = TensorType::F32});
  ASSERT_TRUE(sched);
  JobWatch endless;
  Job long_job = greedy_job(runs_[1].prompt_ids, -1, /*stop_at_end=*/false);
  endless.attach(long_job, slow_client);
  auto handle = sched->submit(std::move(long_job));
  ASSERT_TRUE(handle);
  ASSERT_TRUE(endless.wait_tokens(3));

  JobWatch next;
  Job next_job = greedy_job(runs_[2].prompt_ids);
  next.attach(next_job);
  ASSERT_TRUE(sched->submit(std::move(next_job)));
  handle->cancel();

  auto cancelled = endless.wait();
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->reason, FinishReason::cancelled);
  EXPECT_LT(endless.tokens().size(), 250u);
  EXPECT_TRUE(handle->done());
  auto result = next.wait();
  ASSERT_TRUE(result);
  EXPECT_EQ(next.tokens(), runs_[2].greedy_ids);
}

TEST_F(SchedulerTest, FullQueueReportsOverloaded) {
  auto sched = make({.n_slots = 1, .n_ctx = 256, .max_queue = 1, .kv_type = TensorType::F32});
  ASSERT_TRUE(sched);
  JobWatch a, b;
  Job ja = greedy_job(runs_[1].prompt_ids, -1, false);
  a.attach(ja, slow_client);
  Job jb = greedy_job(runs_[2].prompt_ids, -1, false);
  b.attach(jb);
  auto ha = sched->submit(std::move(ja));
  auto hb = sched->submit(std::move(jb));
  ASSERT_TRUE(ha);
  ASSERT_TRUE(hb);
  auto hc = sched->submit(greedy_job(runs_[3].prompt_ids));
  ASSERT_FALSE(hc);
  EXPECT_EQ(hc.status().code, ErrorCode::overloaded);

  hb->cancel(); // cancelled while still queued
  ha->cancel();
  auto rb = b.wait();
  auto ra = a.wait();
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(ra->reason, FinishReason::cancelled);
  EXPECT_EQ(rb->reason, FinishReason::cancelled);
  EXPECT_TRUE(b.tokens().empty());
}

TEST_F(SchedulerTest, ClientThatStopsListeningCancelsItsJob) {
  auto sched = make({.n_slots = 1, .n_ctx = 128});
  ASSERT_TRUE(sched);
  JobWatch w;
  Job job = greedy_job(runs_[1].prompt_ids, -1, false);
  w.attach(job, [](size_t n) { return n < 4; });
  ASSERT_TRUE(sched->submit(std::move(job)));
  auto r = w.wait();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, FinishReason::cancelled);
  EXPECT_EQ(w.tokens().size(), 4u);
}

TEST_F(SchedulerTest, GenerationStopsAtTheEndOfTheContext) {
  auto sched = make({.n_slots = 1, .n_ctx = 16});
  ASSERT_TRUE(sched);
  JobWatch w;
  Job job = greedy_job(runs_[1].prompt_ids, -1, false);
  w.attach(job);
  ASSERT_TRUE(sched->submit(std::move(job)));
  auto r = w.wait();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, FinishReason::length);
  // Positions 0..15 hold the prompt and all generated tokens but the last, which needs no slot.
  EXPECT_EQ(w.tokens().size(), 16u - runs_[1].prompt_ids.size() + 1);
}

TEST_F(SchedulerTest, LongPromptIsRefusedOrTruncated) {
  auto sched = make({.n_slots = 1, .n_ctx = 16});
  ASSERT_TRUE(sched);
  std::vector<int32_t> long_prompt{1};
  for (int i = 0; i < 40; ++i) long_prompt.push_back(300 + i);
  auto refused = sched->submit(greedy_job(long_prompt));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.status().code, ErrorCode::invalid_request);
  EXPECT_NE(refused.status().message.find("context"), std::string::npos);

  Job job = greedy_job(long_prompt, 3);
  job.truncate = true;
  job.num_keep = 1;
  JobWatch w;
  w.attach(job);
  ASSERT_TRUE(sched->submit(std::move(job)));
  auto r = w.wait();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->prompt_tokens, 1 + (16 - 1) / 2);
  EXPECT_EQ(w.tokens().size(), 3u);

  EXPECT_EQ(sched->submit(greedy_job({})).status().code, ErrorCode::invalid_request);
  EXPECT_EQ(sched->submit(greedy_job({1, 9999})).status().code, ErrorCode::invalid_request);
}

TEST_F(SchedulerTest, LogprobsAreReportedWhenAsked) {
  auto sched = make({.n_slots = 1, .n_ctx = 64});
  ASSERT_TRUE(sched);
  Job job = greedy_job(runs_[1].prompt_ids, 3);
  job.logprobs = true;
  job.sampler.top_logprobs = 2;
  JobWatch w;
  w.attach(job);
  ASSERT_TRUE(sched->submit(std::move(job)));
  ASSERT_TRUE(w.wait());
  const auto lps = w.logprobs();
  ASSERT_EQ(lps.size(), 3u);
  for (size_t i = 0; i < lps.size(); ++i) {
    EXPECT_EQ(lps[i].chosen.token, w.tokens()[i]);
    EXPECT_LE(lps[i].chosen.logprob, 0.0f);
    ASSERT_EQ(lps[i].top.size(), 2u);
    EXPECT_EQ(lps[i].top[0].token, w.tokens()[i]); // greedy picks the most likely token
  }
}

TEST_F(SchedulerTest, DestroyingTheSchedulerCancelsItsJobs) {
  JobWatch running, queued;
  {
    auto sched = make({.n_slots = 1, .n_ctx = 256});
    ASSERT_TRUE(sched);
    Job a = greedy_job(runs_[1].prompt_ids, -1, false);
    running.attach(a, slow_client);
    Job b = greedy_job(runs_[2].prompt_ids, -1, false);
    queued.attach(b);
    ASSERT_TRUE(sched->submit(std::move(a)));
    ASSERT_TRUE(sched->submit(std::move(b)));
    ASSERT_TRUE(running.wait_tokens(1));
  }
  auto ra = running.wait(std::chrono::seconds(1));
  auto rb = queued.wait(std::chrono::seconds(1));
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(ra->reason, FinishReason::cancelled);
  EXPECT_EQ(rb->reason, FinishReason::cancelled);
}

} // namespace
} // namespace llmhost::engine
