// The llama2.c reference runs for stories260K (testdata/reference/stories260K-greedy.json).
#pragma once

#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "testdata.hpp"

namespace llmhost::engine::testing {

struct ReferenceRun {
  std::vector<int32_t> prompt_ids;
  std::vector<int32_t> greedy_ids; // cut before the first BOS/EOS
  std::vector<float> last_prompt_logits;
};

inline constexpr int kStoriesPredict = 48; // n_predict of the reference
inline constexpr int32_t kStoriesBos = 1;
inline constexpr int32_t kStoriesEos = 2;

inline std::vector<ReferenceRun> load_reference_runs() {
  std::ifstream in(llmhost::testing::testdata("reference/stories260K-greedy.json"));
  const nlohmann::json j = nlohmann::json::parse(in);
  std::vector<ReferenceRun> runs;
  for (const auto& r : j.at("runs"))
    runs.push_back({r.at("prompt_ids").get<std::vector<int32_t>>(), r.at("greedy_ids").get<std::vector<int32_t>>(),
                    r.at("last_prompt_logits").get<std::vector<float>>()});
  return runs;
}

inline std::filesystem::path stories_model_path() { return llmhost::testing::testdata("stories260K.gguf"); }

} // namespace llmhost::engine::testing
