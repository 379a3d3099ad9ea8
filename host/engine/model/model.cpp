#include "engine/model/model.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "llmhost/tensor_type.hpp"

namespace llmhost::engine {

namespace {

constexpr std::array kWeightTypes{TensorType::F32,  TensorType::F16,  TensorType::BF16, TensorType::Q8_0,
                                  TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1,
                                  TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K};

// Ops every step graph uses on F32 activations.
constexpr std::array kActivationOps{OpKind::get_rows, OpKind::rms_norm, OpKind::mul,     OpKind::add,
                                    OpKind::rope,     OpKind::swiglu,   OpKind::kv_store, OpKind::attention,
                                    OpKind::reshape};

// How a weight is used, which decides the op the device must support for its type.
enum class Use { matrix, embedding, vector };

struct Spec {
  Weight* dst;
  std::string name;
  std::array<int64_t, 4> ne;
  Use use;
  bool required;
};

std::string shape_str(const std::array<int64_t, 4>& ne) {
  std::string s = "[" + std::to_string(ne[0]);
  for (size_t i = 1; i < ne.size() && ne[i] != 1; ++i) s += ", " + std::to_string(ne[i]);
  return s + "]";
}

Status unsupported(std::string msg) { return Status::error(ErrorCode::unsupported, std::move(msg)); }

std::vector<Spec> weight_specs(const HParams& hp, std::vector<LayerWeights>& layers,
                               Weight& token_embd, Weight& output_norm, Weight& output, Weight& rope_freqs) {
  const int64_t E = hp.n_embd, Q = hp.q_width(), KV = hp.kv_width(), F = hp.n_ff;
  std::vector<Spec> specs{
      {&token_embd, "token_embd.weight", {E, hp.n_vocab, 1, 1}, Use::embedding, true},
      {&output_norm, "output_norm.weight", {E, 1, 1, 1}, Use::vector, true},
      {&output, "output.weight", {E, hp.n_vocab, 1, 1}, Use::matrix, false},
      {&rope_freqs, "rope_freqs.weight", {hp.rope_n_dims / 2, 1, 1, 1}, Use::vector, false},
  };
  const bool qwen3 = hp.arch == Architecture::qwen3;
  for (size_t i = 0; i < layers.size(); ++i) {
    LayerWeights& l = layers[i];
    const std::string b = "blk." + std::to_string(i) + ".";
    auto add = [&](Weight& w, const char* n, std::array<int64_t, 4> ne, Use use, bool required) {
      specs.push_back({&w, b + n, ne, use, required});
    };
    add(l.attn_norm, "attn_norm.weight", {E, 1, 1, 1}, Use::vector, true);
    add(l.wq, "attn_q.weight", {E, Q, 1, 1}, Use::matrix, true);
    add(l.wk, "attn_k.weight", {E, KV, 1, 1}, Use::matrix, true);
    add(l.wv, "attn_v.weight", {E, KV, 1, 1}, Use::matrix, true);
    add(l.wo, "attn_output.weight", {Q, E, 1, 1}, Use::matrix, true);
    add(l.bq, "attn_q.bias", {Q, 1, 1, 1}, Use::vector, false);
    add(l.bk, "attn_k.bias", {KV, 1, 1, 1}, Use::vector, false);
    add(l.bv, "attn_v.bias", {KV, 1, 1, 1}, Use::vector, false);
    add(l.q_norm, "attn_q_norm.weight", {hp.head_dim, 1, 1, 1}, Use::vector, qwen3);
    add(l.k_norm, "attn_k_norm.weight", {hp.head_dim, 1, 1, 1}, Use::vector, qwen3);
    add(l.ffn_norm, "ffn_norm.weight", {E, 1, 1, 1}, Use::vector, true);
    add(l.ffn_gate, "ffn_gate.weight", {E, F, 1, 1}, Use::matrix, true);
    add(l.ffn_up, "ffn_up.weight", {E, F, 1, 1}, Use::matrix, true);
    add(l.ffn_down, "ffn_down.weight", {F, E, 1, 1}, Use::matrix, true);
  }
  return specs;
}

// Checks that `info` can be used as `spec` on `device`.
Status check_weight(const Spec& spec, const gguf::TensorInfo& info, const Device& device,
                    const std::string& device_name) {
  if (info.desc.ne != spec.ne)
    return unsupported("tensor '" + spec.name + "' has shape " + shape_str(info.desc.ne) + ", expected " +
                       shape_str(spec.ne));
  const TensorType type = info.desc.type;
  const bool known = std::find(kWeightTypes.begin(), kWeightTypes.end(), type) != kWeightTypes.end();
  if (!known) return unsupported("tensor '" + spec.name + "' has weight type " + std::string(type_name(type)) +
                                 ", which llmhost does not support");
  if (spec.use == Use::vector) {
    if (type != TensorType::F32 && type != TensorType::F16 && type != TensorType::BF16)
      return unsupported("tensor '" + spec.name + "' is a " + std::string(type_name(type)) +
                         " vector; only F32, F16 and BF16 are supported for norms and biases");
    return Status::success();
  }
  const OpKind op = spec.use == Use::matrix ? OpKind::mul_mat : OpKind::get_rows;
  if (!device.supports(op, type))
    return unsupported("device '" + device_name + "' cannot run " + op_name(op) + " on " +
                       std::string(type_name(type)) + " weights (tensor '" + spec.name + "')");
  return Status::success();
}

// Vectors (norms, biases, rope factors) are operands of F32 ops: widen F16/BF16 on the host.
std::vector<std::byte> as_f32_bytes(const gguf::TensorInfo& info) {
  if (info.desc.type == TensorType::F32) return {info.data.begin(), info.data.end()};
  const int64_t n = info.desc.elements();
  std::vector<std::byte> out(static_cast<size_t>(n) * sizeof(float));
  for (int64_t i = 0; i < n; ++i) {
    uint16_t bits;
    std::memcpy(&bits, info.data.data() + i * 2, 2);
    const float v = info.desc.type == TensorType::F16 ? f16_to_f32(bits) : bf16_to_f32(bits);
    std::memcpy(out.data() + i * sizeof(float), &v, sizeof(float));
  }
  return out;
}

} // namespace

class ModelLoader {
 public:
  static Result<std::shared_ptr<Model>> load(std::shared_ptr<const gguf::File> file, Device& device,
                                             const LoadOptions& options);
};

Result<std::shared_ptr<Model>> ModelLoader::load(std::shared_ptr<const gguf::File> file, Device& device,
                                                 const LoadOptions& options) {
  if (!file) return Status::error(ErrorCode::invalid_request, "no model file given");
  auto hp = read_hparams(*file);
  if (!hp) return hp.status();

  std::shared_ptr<Model> model(new Model()); // private constructor: make_shared cannot reach it
  model->file_ = file;
  model->device_ = &device;
  model->hparams_ = *hp;
  model->layers_.resize(static_cast<size_t>(hp->n_layer));

  const DeviceInfo info = device.info();
  for (OpKind op : kActivationOps)
    if (!device.supports(op, TensorType::F32))
      return unsupported("device '" + info.name + "' does not support the op " + op_name(op) + " on F32");

  std::vector<Spec> specs = weight_specs(*hp, model->layers_, model->token_embd_, model->output_norm_,
                                         model->output_, model->rope_freqs_);
  std::vector<const gguf::TensorInfo*> found(specs.size(), nullptr);
  uint64_t bytes = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const gguf::TensorInfo* t = file->find_tensor(specs[i].name);
    if (!t) {
      if (specs[i].required) return unsupported("model lacks tensor '" + specs[i].name + "'");
      continue;
    }
    if (Status s = check_weight(specs[i], *t, device, info.name); !s) return s;
    found[i] = t;
    bytes += specs[i].use == Use::vector ? static_cast<uint64_t>(t->desc.elements()) * sizeof(float)
                                         : t->data.size();
  }
  if (!found[2]) {
    // Tied embeddings: token_embd also serves as the classifier.
    if (!device.supports(OpKind::mul_mat, found[0]->desc.type))
      return unsupported("device '" + info.name + "' cannot run mul_mat on " +
                         std::string(type_name(found[0]->desc.type)) +
                         " weights (tied output uses 'token_embd.weight')");
  }

  const uint64_t needed = bytes + options.reserve_bytes;
  if (options.check_memory && info.memory_free > 0 && needed > info.memory_free)
    return Status::error(ErrorCode::unsupported,
                         "not enough memory on device '" + info.name + "': model needs " +
                             std::to_string(needed >> 20) + " MiB, " + std::to_string(info.memory_free >> 20) +
                             " MiB free");

  for (size_t i = 0; i < specs.size(); ++i) {
    const gguf::TensorInfo* t = found[i];
    if (!t) continue;
    Weight& w = *specs[i].dst;
    w.name = specs[i].name;
    w.desc = t->desc;
    Result<std::unique_ptr<Buffer>> buf = [&]() -> Result<std::unique_ptr<Buffer>> {
      if (specs[i].use != Use::vector) return device.upload_weight(t->desc, t->data);
      w.desc.type = TensorType::F32;
      const std::vector<std::byte> f32 = as_f32_bytes(*t);
      return device.upload_weight(w.desc, f32);
    }();
    if (!buf) return Status::error(buf.status().code, "uploading '" + w.name + "': " + buf.status().message);
    w.buffer = std::move(buf.value());
  }
  model->weight_bytes_ = bytes;
  return model;
}

Result<std::shared_ptr<Model>> Model::load(std::shared_ptr<const gguf::File> file, Device& device,
                                           const LoadOptions& options) {
  return ModelLoader::load(std::move(file), device, options);
}

} // namespace llmhost::engine
