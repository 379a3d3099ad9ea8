// Runs generation jobs for chat and generate: prompt tokens in, streamed deltas out, with
// detokenization across token boundaries, stop strings, logprobs and the done statistics.
#pragma once

#include <string>
#include <vector>

#include "llmhost/events.hpp"
#include "llmhost/requests.hpp"
#include "runtime/model_manager.hpp"

namespace llmhost::handlers {

struct GenerationSpec {
  std::vector<int32_t> prompt;
  Options options;         // the request's, with the model's parameters applied
  int n = 1;               // choices, each its own job
  std::string echo_text;   // emitted first on each choice (OpenAI echo)
  bool return_context = false;
  int64_t load_ns = 0;
};

// Runs the jobs on the lease's scheduler and emits Delta/Done (or Error) events until every
// choice is done or the client goes away.
void run_generation(runtime::LoadedModel& model, const GenerationSpec& spec, EventSink& sink);

} // namespace llmhost::handlers
