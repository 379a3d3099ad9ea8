// libFuzzer target: any byte string must parse to a File or an error, and a parsed File's
// tensor views and metadata must be readable in full.
#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/gguf/gguf_file.hpp"

namespace {

size_t walk(const llmhost::gguf::Value& v) {
  if (const auto* a = v.as_array()) {
    size_t n = a->items.size();
    for (const auto& item : a->items) n += walk(item);
    return n;
  }
  if (auto s = v.as_string()) return s->empty() ? 0 : static_cast<unsigned char>(s->back());
  return 1;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = llmhost::gguf::File::parse(std::as_bytes(std::span(data, size)));
  if (!file) return 0;
  volatile size_t sink = 0;
  for (const auto& [key, value] : (*file)->metadata()) sink = sink + key.size() + walk(value);
  for (const auto& t : (*file)->tensors())
    for (std::byte b : t.data) sink = sink + static_cast<size_t>(b);
  return 0;
}
