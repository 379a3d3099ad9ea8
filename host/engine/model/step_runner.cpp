#include "engine/model/step_runner.hpp"

#include <string>

#include "engine/model/step_graph.hpp"

namespace llmhost::engine {

Result<std::unique_ptr<StepRunner>> StepRunner::create(std::shared_ptr<const Model> model, const KvCacheConfig& kv) {
  if (!model) return Status::error(ErrorCode::invalid_request, "no model given");
  auto cache = KvCache::create(model->device(), model->hparams(), kv);
  if (!cache) return cache.status();
  auto context = model->device().create_context();
  if (!context) return context.status();
  std::unique_ptr<StepRunner> runner(new StepRunner());
  runner->model_ = std::move(model);
  runner->cache_ = std::move(cache.value());
  runner->context_ = std::move(context.value());
  return runner;
}

Result<Logits> StepRunner::decode(const Batch& batch) {
  if (batch.empty()) return Status::error(ErrorCode::invalid_request, "empty batch");
  const HParams& hp = model_->hparams();
  for (const BatchToken& t : batch.tokens) {
    if (t.id < 0 || t.id >= hp.n_vocab)
      return Status::error(ErrorCode::invalid_request,
                           "token id " + std::to_string(t.id) + " is outside the vocabulary of " +
                               std::to_string(hp.n_vocab));
    if (t.slot < 0 || t.slot >= cache_->n_slots())
      return Status::error(ErrorCode::invalid_request, "slot " + std::to_string(t.slot) + " does not exist");
    if (t.pos < 0 || t.pos >= cache_->n_ctx())
      return Status::error(ErrorCode::invalid_request, "position " + std::to_string(t.pos) +
                                                           " is outside the context of " +
                                                           std::to_string(cache_->n_ctx()));
  }

  StepGraph step = build_step_graph(*model_, *cache_, batch);
  if (Status s = context_->compute(step.graph); !s) return s;

  Logits logits;
  logits.n_vocab = hp.n_vocab;
  if (step.n_logits == 0) return logits;
  logits.data.resize(static_cast<size_t>(step.n_logits * hp.n_vocab));
  if (Status s = context_->read_output(step.graph, step.logits, logits.data.data(), logits.data.size() * sizeof(float));
      !s)
    return s;
  return logits;
}

Result<std::vector<float>> eval_logits(std::shared_ptr<const Model> model, std::span<const int32_t> tokens,
                                       TensorType kv_type) {
  if (!model) return Status::error(ErrorCode::invalid_request, "no model given");
  if (tokens.empty()) return Status::error(ErrorCode::invalid_request, "no tokens to evaluate");
  auto runner = StepRunner::create(model, KvCacheConfig{1, static_cast<int32_t>(tokens.size()), kv_type});
  if (!runner) return runner.status();
  Batch batch;
  for (size_t i = 0; i < tokens.size(); ++i)
    batch.add(tokens[i], static_cast<int32_t>(i), 0, i + 1 == tokens.size());
  auto logits = (*runner)->decode(batch);
  if (!logits) return logits.status();
  return std::move(logits->data);
}

} // namespace llmhost::engine
