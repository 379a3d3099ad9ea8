#include "buffer.hpp"

#include "device.hpp"
#include "transfer.hpp"

namespace llmhost::vk {

template <typename Fn>
Status DeviceBuffer::for_each_piece(size_t offset, size_t bytes, Fn&& fn) const {
  if (offset > size_ || bytes > size_ - offset) {
    return Status::error(ErrorCode::invalid_request,
                         "buffer access [" + std::to_string(offset) + ", +" + std::to_string(bytes) +
                             ") is outside a buffer of " + std::to_string(size_) + " bytes");
  }
  size_t done = 0;
  for (const auto& c : chunks_) {
    if (done == bytes) break;
    size_t pos = offset + done;
    if (pos < c.begin || pos >= c.begin + c.bytes) continue;
    size_t n = std::min(bytes - done, c.begin + c.bytes - pos);
    if (Status s = fn(c.memory.buffer(), pos - c.begin, done, n); !s) return s;
    done += n;
  }
  return Status::success();
}

Status DeviceBuffer::write(size_t offset, const void* data, size_t bytes) {
  const auto* src = static_cast<const std::byte*>(data);
  return for_each_piece(offset, bytes, [&](VkBuffer b, size_t at, size_t done, size_t n) {
    return device_.transfer().upload(b, at, src + done, n);
  });
}

Status DeviceBuffer::read(size_t offset, void* data, size_t bytes) const {
  auto* dst = static_cast<std::byte*>(data);
  return for_each_piece(offset, bytes, [&](VkBuffer b, size_t at, size_t done, size_t n) {
    return device_.transfer().download(b, at, dst + done, n);
  });
}

} // namespace llmhost::vk
