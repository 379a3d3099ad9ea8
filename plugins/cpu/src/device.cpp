#include "device.hpp"

#include <string>

#include "buffer.hpp"
#include "context.hpp"
#include "features.hpp"
#include "kernels/kernels.hpp"

namespace llmhost::cpu {

bool is_supported_weight_type(TensorType t) {
  return kernels_for(Isa::portable).find(t) != nullptr;
}

DeviceInfo CpuDevice::info() const {
  DeviceInfo d;
  d.name = "cpu";
  d.description = "host CPU, " + std::to_string(n_threads_.load()) + " threads, kernels: " +
                  std::string(isa_name(default_isa()));
  d.type = DeviceType::cpu;
  d.memory_total = memory_total_bytes();
  d.memory_free = memory_available_bytes();
  d.features = cpu_features().names();
  return d;
}

bool CpuDevice::supports(OpKind kind, TensorType weight_type) const {
  switch (kind) {
    case OpKind::mul_mat:
    case OpKind::get_rows: return is_supported_weight_type(weight_type);
    case OpKind::kv_store:
    case OpKind::attention: return weight_type == TensorType::F32 || weight_type == TensorType::F16;
    case OpKind::rms_norm:
    case OpKind::layer_norm:
    case OpKind::add:
    case OpKind::mul:
    case OpKind::scale:
    case OpKind::rope:
    case OpKind::softmax:
    case OpKind::silu:
    case OpKind::gelu:
    case OpKind::swiglu: return weight_type == TensorType::F32;
    case OpKind::reshape: return true;
  }
  return false;
}

Result<std::unique_ptr<Buffer>> CpuDevice::allocate(size_t bytes, BufferUsage) {
  AlignedBytes mem = allocate_aligned(bytes);
  if (!mem) return Status::error(ErrorCode::internal, "cpu: out of memory allocating " + std::to_string(bytes) + " bytes");
  return std::unique_ptr<Buffer>(std::make_unique<HostBuffer>(std::move(mem), bytes));
}

Result<std::unique_ptr<Buffer>> CpuDevice::upload_weight(const TensorDesc& desc, std::span<const std::byte> data) {
  if (!is_supported_weight_type(desc.type) && desc.type != TensorType::F32)
    return Status::error(ErrorCode::unsupported, "cpu: unsupported weight type " + std::string(type_name(desc.type)));
  const size_t bytes = desc.bytes();
  if (bytes == 0 && desc.elements() != 0)
    return Status::error(ErrorCode::invalid_request, "cpu: weight row is not a whole number of blocks");
  if (data.size() != bytes)
    return Status::error(ErrorCode::invalid_request, "cpu: weight data size " + std::to_string(data.size()) +
                                                         " differs from its shape's " + std::to_string(bytes));
  auto buffer = allocate(bytes, BufferUsage::weights);
  if (!buffer) return buffer.status();
  if (Status s = (*buffer)->write(0, data.data(), bytes); !s) return s;
  return buffer;
}

Result<std::unique_ptr<ExecutionContext>> CpuDevice::create_context() {
  return std::unique_ptr<ExecutionContext>(std::make_unique<CpuContext>(n_threads_.load(), default_isa()));
}

} // namespace llmhost::cpu
