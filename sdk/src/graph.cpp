#include "llmhost/graph.hpp"

#include <cstring>

namespace llmhost {

size_t TensorDesc::bytes() const {
  auto rb = row_bytes(type, ne[0]);
  return rb ? *rb * static_cast<size_t>(rows()) : 0;
}

const char* op_name(OpKind op) {
  switch (op) {
    case OpKind::get_rows: return "get_rows";
    case OpKind::rms_norm: return "rms_norm";
    case OpKind::layer_norm: return "layer_norm";
    case OpKind::mul_mat: return "mul_mat";
    case OpKind::add: return "add";
    case OpKind::mul: return "mul";
    case OpKind::scale: return "scale";
    case OpKind::rope: return "rope";
    case OpKind::softmax: return "softmax";
    case OpKind::silu: return "silu";
    case OpKind::gelu: return "gelu";
    case OpKind::swiglu: return "swiglu";
    case OpKind::kv_store: return "kv_store";
    case OpKind::attention: return "attention";
    case OpKind::reshape: return "reshape";
  }
  return "unknown";
}

TensorId Graph::input(std::string name, TensorDesc desc, std::span<const std::byte> data) {
  GraphTensor t;
  t.desc = desc;
  t.role = TensorRole::input;
  t.name = std::move(name);
  t.data.assign(data.begin(), data.end());
  tensors_.push_back(std::move(t));
  return static_cast<TensorId>(tensors_.size() - 1);
}

TensorId Graph::input_i32(std::string name, std::span<const int32_t> values) {
  TensorDesc d{TensorType::I32, {static_cast<int64_t>(values.size()), 1, 1, 1}};
  return input(std::move(name), d, std::as_bytes(values));
}

TensorId Graph::input_f32(std::string name, std::span<const float> values, std::array<int64_t, 4> ne) {
  TensorDesc d{TensorType::F32, ne};
  return input(std::move(name), d, std::as_bytes(values));
}

TensorId Graph::bind(std::string name, TensorDesc desc, Buffer& buffer, size_t offset) {
  GraphTensor t;
  t.desc = desc;
  t.role = TensorRole::bound;
  t.name = std::move(name);
  t.buffer = &buffer;
  t.offset = offset;
  tensors_.push_back(std::move(t));
  return static_cast<TensorId>(tensors_.size() - 1);
}

TensorId Graph::op(OpKind kind, TensorDesc out, std::initializer_list<TensorId> srcs,
                   std::array<float, 4> fparams, std::array<int32_t, 4> iparams) {
  GraphTensor t;
  t.desc = out;
  t.name = op_name(kind);
  tensors_.push_back(std::move(t));
  OpNode n;
  n.op = kind;
  n.dst = static_cast<TensorId>(tensors_.size() - 1);
  size_t i = 0;
  for (TensorId s : srcs) n.src.at(i++) = s;
  n.fparams = fparams;
  n.iparams = iparams;
  ops_.push_back(n);
  return n.dst;
}

void Graph::op_in_place(OpKind kind, std::initializer_list<TensorId> srcs,
                        std::array<float, 4> fparams, std::array<int32_t, 4> iparams) {
  OpNode n;
  n.op = kind;
  size_t i = 0;
  for (TensorId s : srcs) n.src.at(i++) = s;
  n.fparams = fparams;
  n.iparams = iparams;
  ops_.push_back(n);
}

} // namespace llmhost
