#include "handlers/generation.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include <spdlog/spdlog.h>

#include "engine/sampler/sampler_config.hpp"
#include "engine/sampler/stop_matcher.hpp"
#include "engine/tokenizer/stream_decoder.hpp"
#include "handlers/common_handler.hpp"
#include "store/rfc3339.hpp"

namespace llmhost::handlers {
namespace {

using Clock = std::chrono::steady_clock;

// Tokens flow from the scheduler's thread to the request's thread through this channel, so a
// slow client never stalls the batch.
struct Channel {
  struct Item {
    int choice = 0;
    int32_t token = 0;
    std::optional<TokenChoiceLogprobs> logprobs;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item> tokens;
  std::vector<std::optional<engine::JobResult>> results;
};

struct ChoiceState {
  std::unique_ptr<tok::StreamDecoder> decoder;
  std::unique_ptr<sampling::StopMatcher> stops;
  std::vector<int32_t> generated;
  bool stopped_by_string = false;
  bool finished = false;
  engine::JobHandle handle;
};

FinishReason finish_reason(const engine::JobResult& r, bool stopped_by_string) {
  if (stopped_by_string) return FinishReason::stop;
  switch (r.reason) {
    case engine::FinishReason::stop: return FinishReason::stop;
    case engine::FinishReason::length: return FinishReason::length;
    case engine::FinishReason::cancelled: return FinishReason::cancelled;
    case engine::FinishReason::error: return FinishReason::error;
  }
  return FinishReason::stop;
}

} // namespace

void run_generation(runtime::LoadedModel& model, const GenerationSpec& spec, EventSink& sink) {
  const auto t0 = Clock::now();
  const auto& tokenizer = *model.tokenizer;
  auto sampler_cfg = sampling::config_from_options(spec.options, sampling::SamplerConfig{});
  const int max_tokens = spec.options.num_predict.value_or(-1);

  auto channel = std::make_shared<Channel>();
  channel->results.resize(static_cast<size_t>(spec.n));
  std::vector<ChoiceState> choices(static_cast<size_t>(spec.n));

  const std::vector<int32_t>& stop_tokens = tokenizer.vocab().eog_ids;

  for (int c = 0; c < spec.n; ++c) {
    auto& st = choices[static_cast<size_t>(c)];
    st.decoder = std::make_unique<tok::StreamDecoder>(tokenizer);
    st.stops = std::make_unique<sampling::StopMatcher>(spec.options.stop);
    engine::Job job;
    job.prompt = spec.prompt;
    job.sampler = sampler_cfg;
    if (c > 0 && !sampler_cfg.random_seed) job.sampler.seed = sampler_cfg.seed + static_cast<uint64_t>(c);
    job.max_tokens = max_tokens;
    job.stop_tokens = stop_tokens;
    job.logprobs = spec.options.logprobs;
    job.num_keep = spec.options.num_keep.value_or(0);
    job.on_token = [channel, c](const engine::TokenOut& t) {
      std::lock_guard lock(channel->mu);
      Channel::Item item{c, t.token, std::nullopt};
      if (t.logprobs) item.logprobs = *t.logprobs;
      channel->tokens.push_back(std::move(item));
      channel->cv.notify_one();
      return true;
    };
    job.on_done = [channel, c](const engine::JobResult& r) {
      std::lock_guard lock(channel->mu);
      channel->results[static_cast<size_t>(c)] = r;
      channel->cv.notify_one();
    };
    auto handle = model.scheduler->submit(std::move(job));
    if (!handle) {
      for (auto& s : choices) s.handle.cancel();
      return emit_error(sink, handle.status());
    }
    st.handle = handle.value();
  }

  auto cancel_all = [&] {
    for (auto& s : choices) s.handle.cancel();
  };
  auto emit_text = [&](int c, std::string text, std::vector<int32_t> tokens, std::vector<TokenChoiceLogprobs> lps) {
    if (text.empty() && tokens.empty()) return true;
    DeltaEvent d;
    d.choice = c;
    d.text = std::move(text);
    d.tokens = std::move(tokens);
    d.logprobs = std::move(lps);
    return sink.emit(d);
  };

  if (!spec.echo_text.empty())
    for (int c = 0; c < spec.n; ++c) emit_text(c, spec.echo_text, {}, {});

  int remaining = spec.n;
  bool client_gone = false;
  while (remaining > 0) {
    std::deque<Channel::Item> batch;
    std::vector<std::pair<int, engine::JobResult>> done;
    {
      std::unique_lock lock(channel->mu);
      channel->cv.wait_for(lock, std::chrono::milliseconds(100), [&] {
        if (!channel->tokens.empty()) return true;
        for (int c = 0; c < spec.n; ++c)
          if (channel->results[static_cast<size_t>(c)] && !choices[static_cast<size_t>(c)].finished) return true;
        return false;
      });
      batch.swap(channel->tokens);
      for (int c = 0; c < spec.n; ++c)
        if (channel->results[static_cast<size_t>(c)] && !choices[static_cast<size_t>(c)].finished) done.emplace_back(c, *channel->results[static_cast<size_t>(c)]);
    }
    if (sink.cancelled()) {
      client_gone = true;
      cancel_all();
    }
    for (auto& item : batch) {
      auto& st = choices[static_cast<size_t>(item.choice)];
      if (st.stopped_by_string || client_gone) continue;
      st.generated.push_back(item.token);
      std::string piece = st.decoder->push(item.token);
      std::vector<TokenChoiceLogprobs> lps;
      if (item.logprobs) {
        auto lp = *item.logprobs;
        lp.chosen.text = tokenizer.token_to_piece(lp.chosen.token, false);
        lp.chosen.bytes.assign(lp.chosen.text.begin(), lp.chosen.text.end());
        for (auto& alt : lp.top) {
          alt.text = tokenizer.token_to_piece(alt.token, false);
          alt.bytes.assign(alt.text.begin(), alt.text.end());
        }
        lps.push_back(std::move(lp));
      }
      auto out = st.stops->push(piece);
      if (out.stopped) {
        st.stopped_by_string = true;
        st.handle.cancel();
      }
      if (!emit_text(item.choice, out.emit, {item.token}, std::move(lps))) {
        client_gone = true;
        cancel_all();
      }
    }
    for (auto& [c, result] : done) {
      auto& st = choices[static_cast<size_t>(c)];
      // Tokens queued before the result are already handled: the scheduler reports done last.
      st.finished = true;
      --remaining;
      if (client_gone) continue;
      if (result.reason == engine::FinishReason::error) {
        emit_error(sink, Status::error(ErrorCode::internal, result.message));
        cancel_all();
        client_gone = true; // stop emitting for the other choices
        continue;
      }
      if (!st.stopped_by_string) {
        std::string tail = st.decoder->flush();
        auto out = st.stops->push(tail);
        std::string rest = out.emit + (out.stopped ? std::string() : st.stops->flush());
        st.stopped_by_string = out.stopped;
        emit_text(c, rest, {}, {});
      }
      DoneEvent d;
      d.choice = c;
      d.model = model.entry.ref.full();
      d.reason = finish_reason(result, st.stopped_by_string);
      d.usage.prompt_tokens = result.prompt_tokens;
      d.usage.completion_tokens = static_cast<int>(st.generated.size());
      d.usage.cached_tokens = result.cached_tokens;
      d.timings.load_ns = spec.load_ns;
      d.timings.prompt_eval_ns = result.prompt_eval_ns;
      d.timings.eval_ns = result.eval_ns;
      d.timings.total_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count() + spec.load_ns;
      d.created_at = store::to_rfc3339(std::chrono::system_clock::now());
      if (spec.return_context) {
        d.context = spec.prompt;
        d.context.insert(d.context.end(), st.generated.begin(), st.generated.end());
      }
      if (!sink.emit(d)) {
        client_gone = true;
        cancel_all();
      }
    }
  }
  if (client_gone) spdlog::debug("generation for '{}' ended early: client gone or error", model.entry.ref.full());
}

} // namespace llmhost::handlers
