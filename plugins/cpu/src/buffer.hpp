// Host memory for the CPU device: 64-byte aligned, zeroed, addressable by the kernels.
#pragma once

#include <cstdlib>
#include <cstring>
#include <memory>

#include "llmhost/backend.hpp"
#include "llmhost/graph.hpp"

namespace llmhost::cpu {

struct AlignedFree {
  void operator()(std::byte* p) const { std::free(p); }
};
using AlignedBytes = std::unique_ptr<std::byte[], AlignedFree>;

// Zeroed, 64-byte aligned; null when out of memory.
inline AlignedBytes allocate_aligned(size_t bytes) {
  const size_t rounded = (bytes + 63) / 64 * 64;
  AlignedBytes p(static_cast<std::byte*>(std::aligned_alloc(64, rounded ? rounded : 64)));
  if (p) std::memset(p.get(), 0, rounded ? rounded : 64);
  return p;
}

class HostBuffer final : public Buffer {
 public:
  HostBuffer(AlignedBytes bytes, size_t size) : bytes_(std::move(bytes)), size_(size) {}

  size_t size() const override { return size_; }
  Status write(size_t offset, const void* data, size_t n) override {
    if (offset > size_ || n > size_ - offset) return Status::error(ErrorCode::invalid_request, "buffer write out of range");
    std::memcpy(bytes_.get() + offset, data, n);
    return Status::success();
  }
  Status read(size_t offset, void* data, size_t n) const override {
    if (offset > size_ || n > size_ - offset) return Status::error(ErrorCode::invalid_request, "buffer read out of range");
    std::memcpy(data, bytes_.get() + offset, n);
    return Status::success();
  }
  void* host_ptr() override { return bytes_.get(); }

 private:
  AlignedBytes bytes_;
  size_t size_;
};

} // namespace llmhost::cpu
