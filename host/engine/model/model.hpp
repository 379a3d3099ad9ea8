// A model's weights placed on one backend device, with its hyper-parameters.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.hpp"
#include "engine/model/hparams.hpp"
#include "llmhost/backend.hpp"

namespace llmhost::engine {

// One weight on the device; `desc` is its GGUF shape and type.
struct Weight {
  std::string name;
  TensorDesc desc;
  std::unique_ptr<Buffer> buffer;

  bool present() const { return buffer != nullptr; }
};

struct LayerWeights {
  Weight attn_norm;
  Weight wq, wk, wv, wo;
  Weight bq, bk, bv;           // qwen2 biases (absent elsewhere)
  Weight q_norm, k_norm;       // qwen3 per-head norms (absent elsewhere)
  Weight ffn_norm;
  Weight ffn_gate, ffn_up, ffn_down;
};

struct LoadOptions {
  // Bytes the caller will allocate on the device after loading (the KV cache), counted in the
  // memory check.
  uint64_t reserve_bytes = 0;
  // Refuse to load when the device reports less free memory than needed.
  bool check_memory = true;
};

class Model {
 public:
  // Uploads every weight once. The device must outlive the model (it is the backend plugin's,
  // which the host keeps loaded while any model uses it). Refuses, naming the reason, an unknown architecture, a missing
  // or misshapen tensor, a weight type or op the device cannot run, or too little memory.
  static Result<std::shared_ptr<Model>> load(std::shared_ptr<const gguf::File> file, Device& device,
                                             const LoadOptions& options = {});

  const HParams& hparams() const { return hparams_; }
  Device& device() const { return *device_; }
  const gguf::File& file() const { return *file_; }

  const Weight& token_embd() const { return token_embd_; }
  const Weight& output_norm() const { return output_norm_; }
  // The classifier: output.weight, or token_embd.weight when the embeddings are tied.
  const Weight& output() const { return output_.present() ? output_ : token_embd_; }
  const Weight& rope_freqs() const { return rope_freqs_; } // may be absent
  const std::vector<LayerWeights>& layers() const { return layers_; }
  uint64_t weight_bytes() const { return weight_bytes_; }

 private:
  Model() = default;
  friend class ModelLoader;

  std::shared_ptr<const gguf::File> file_;
  Device* device_ = nullptr;
  HParams hparams_;
  Weight token_embd_, output_norm_, output_, rope_freqs_;
  std::vector<LayerWeights> layers_;
  uint64_t weight_bytes_ = 0;
};

} // namespace llmhost::engine
