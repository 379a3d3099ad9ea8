// Device-local memory behind llmhost::Buffer. A buffer is one or more chunks: plain buffers have
// one; weights larger than one storage binding may span are split into chunks of whole rows,
// and the kernels run once per chunk.
#pragma once

#include <optional>
#include <vector>

#include "allocation.hpp"
#include "llmhost/backend.hpp"

namespace llmhost::vk {

class VulkanDevice;

struct BufferChunk {
  Allocation memory;
  size_t begin = 0;      // byte offset of this chunk in the whole buffer
  size_t bytes = 0;      // bytes used (the allocation may be rounded up)
  int64_t row_begin = 0; // weights: first row held here
  int64_t rows = 0;      // weights: rows held here
};

class DeviceBuffer final : public Buffer {
 public:
  DeviceBuffer(VulkanDevice& device, std::vector<BufferChunk> chunks, size_t size,
               std::optional<TensorDesc> weight)
      : device_(device), chunks_(std::move(chunks)), size_(size), weight_(weight) {}

  size_t size() const override { return size_; }
  Status write(size_t offset, const void* data, size_t bytes) override;
  Status read(size_t offset, void* data, size_t bytes) const override;

  const std::vector<BufferChunk>& chunks() const { return chunks_; }
  const VulkanDevice& device() const { return device_; }
  // The tensor uploaded through upload_weight, if that is how this buffer was made.
  const std::optional<TensorDesc>& weight() const { return weight_; }

 private:
  template <typename Fn>
  Status for_each_piece(size_t offset, size_t bytes, Fn&& fn) const;

  VulkanDevice& device_;
  std::vector<BufferChunk> chunks_;
  size_t size_ = 0;
  std::optional<TensorDesc> weight_;
};

} // namespace llmhost::vk
