// User story: a real model (stories260K, F32 Llama with GQA) runs on the Vulkan backend and
// produces the reference implementation's logits, with F32 and F16 KV caches.
#include <nlohmann/json.hpp>

#include <fstream>

#include "engine/gguf/gguf_file.hpp"
#include "engine/model/model.hpp"
#include "engine/model/step_runner.hpp"
#include "testdata.hpp"
#include "vk_test_support.hpp"

namespace llmhost::vktest {
namespace {

using ModelOnVulkan = VulkanTest;

TEST_F(ModelOnVulkan, Stories260KMatchesReferenceLogits) {
  LLMHOST_REQUIRE_TESTDATA();
  auto file = gguf::File::open(llmhost::testing::testdata("stories260K.gguf"));
  ASSERT_TRUE(file.ok()) << file.status().message;
  auto model = engine::Model::load(file.value(), *device_);
  ASSERT_TRUE(model.ok()) << model.status().message;
  std::ifstream in(llmhost::testing::testdata("reference/stories260K-greedy.json"));
  auto ref = nlohmann::json::parse(in);
  int checked = 0;
  for (const auto& run : ref["runs"]) {
    auto ids = run["prompt_ids"].get<std::vector<int32_t>>();
    auto want = run["last_prompt_logits"].get<std::vector<float>>();
    // Prompts under 8 tokens use the matrix-vector kernels, longer ones the tiled kernels.
    for (TensorType kv : {TensorType::F32, TensorType::F16}) {
      auto logits = engine::eval_logits(model.value(), ids, kv);
      ASSERT_TRUE(logits.ok()) << logits.status().message;
      // F32 weights: only summation order differs (F16 cache: its rounding too).
      expect_near(logits.value(), want, kv == TensorType::F32 ? 2e-3f : 2e-2f, 0.0f,
                  run["prompt"].get<std::string>() + " kv " + std::string(type_name(kv)));
    }
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

} // namespace
} // namespace llmhost::vktest
