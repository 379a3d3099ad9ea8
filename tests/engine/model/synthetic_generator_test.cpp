// Models from the project's synthetic generator (engine/gguf/synthetic.hpp) in the type mixes
// real downloads use: they load, and a sequence gives the same logits alone or batched.
#include <cmath>

#include <gtest/gtest.h>

#include "cpu_device.hpp"
#include "engine/gguf/synthetic.hpp"
#include "engine/model/step_runner.hpp"

namespace llmhost::engine {
namespace {

class GeneratedModel : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(GeneratedModel, LoadsAndBatchingDoesNotChangeLogits) {
  gguf::SynthOptions opt;
  opt.arch = std::get<0>(GetParam());
  opt.type = std::get<1>(GetParam());
  opt.n_embd = 256;
  opt.n_layer = 2;
  opt.n_head = 4;
  opt.n_head_kv = 2;
  opt.n_ff = 512;
  opt.n_ctx = 256;
  const auto path = std::filesystem::path(::testing::TempDir()) / ("llmhost-gen-" + opt.arch + "-" + opt.type + ".gguf");
  auto report = gguf::write_synthetic_model(opt, path);
  ASSERT_TRUE(report) << report.status().message;
  auto model = testing::load_model(path);
  ASSERT_TRUE(model);
  EXPECT_EQ(model->hparams().n_vocab, report->n_vocab);

  const std::vector<int32_t> a{1, 40, 41, 42, 43}, b{1, 100, 7};
  auto alone = eval_logits(model, a);
  ASSERT_TRUE(alone) << alone.status().message;
  for (float v : *alone) ASSERT_TRUE(std::isfinite(v));

  // The same sequence next to another one in one batch, in slot 1.
  auto runner = StepRunner::create(model, KvCacheConfig{2, 16, TensorType::F32});
  ASSERT_TRUE(runner);
  Batch batch;
  for (size_t i = 0; i < b.size(); ++i) batch.add(b[i], int32_t(i), 0, i + 1 == b.size());
  for (size_t i = 0; i < a.size(); ++i) batch.add(a[i], int32_t(i), 1, i + 1 == a.size());
  auto both = (*runner)->decode(batch);
  ASSERT_TRUE(both) << both.status().message;
  ASSERT_EQ(both->rows(), 2u);
  float worst = 0, scale = 1e-6f;
  for (size_t i = 0; i < alone->size(); ++i) {
    worst = std::max(worst, std::fabs(both->row(1)[i] - (*alone)[i]));
    scale = std::max(scale, std::fabs((*alone)[i]));
  }
  // Batched kernels may order sums differently (and quantize activations per batch row).
  EXPECT_LT(worst / scale, 1e-2f);
  std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Mixes, GeneratedModel,
                         ::testing::Combine(::testing::Values("llama", "qwen2", "qwen3"),
                                            ::testing::Values("Q4_K_M", "Q8_0")),
                         [](const auto& info) { return std::get<0>(info.param) + "_" + std::get<1>(info.param); });

} // namespace
} // namespace llmhost::engine
