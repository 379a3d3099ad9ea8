// Builds a GGUF v3 file: metadata of every value type (arrays nested to any depth) and tensors,
// whose bytes are either held by the writer or produced one tensor at a time while writing, so
// a large model streams to disk without being held in memory whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/gguf/gguf_file.hpp"
#include "llmhost/graph.hpp"
#include "llmhost/status.hpp"

namespace llmhost::gguf {

struct OwnedValue;
// An array of one element type; for nested arrays every item is itself an array.
struct OwnedArray {
  ValueType type = ValueType::u8;
  std::vector<OwnedValue> items;
};

// Owned counterpart of Value (strings held, not viewed), for building files.
struct OwnedValue {
  ValueType type = ValueType::u8;
  std::variant<uint64_t, int64_t, double, bool, std::string, OwnedArray> v;

  static OwnedValue u8(uint8_t x) { return {ValueType::u8, uint64_t{x}}; }
  static OwnedValue i8(int8_t x) { return {ValueType::i8, int64_t{x}}; }
  static OwnedValue u16(uint16_t x) { return {ValueType::u16, uint64_t{x}}; }
  static OwnedValue i16(int16_t x) { return {ValueType::i16, int64_t{x}}; }
  static OwnedValue u32(uint32_t x) { return {ValueType::u32, uint64_t{x}}; }
  static OwnedValue i32(int32_t x) { return {ValueType::i32, int64_t{x}}; }
  static OwnedValue u64(uint64_t x) { return {ValueType::u64, x}; }
  static OwnedValue i64(int64_t x) { return {ValueType::i64, x}; }
  static OwnedValue f32(float x) { return {ValueType::f32, double{x}}; }
  static OwnedValue f64(double x) { return {ValueType::f64, x}; }
  static OwnedValue boolean(bool x) { return {ValueType::boolean, x}; }
  static OwnedValue string(std::string x) { return {ValueType::string, std::move(x)}; }
  static OwnedValue array(ValueType elem, std::vector<OwnedValue> items) {
    return {ValueType::array, OwnedArray{elem, std::move(items)}};
  }
  static OwnedValue strings(std::span<const std::string> xs);
  static OwnedValue f32s(std::span<const float> xs);
  static OwnedValue i32s(std::span<const int32_t> xs);
  // Deep copy of a value read from a File.
  static OwnedValue copy_of(const Value& v);
};

// Produces the bytes of tensor `index` (in add order) into `out`, which has exactly its size.
using TensorFiller = std::function<Status(size_t index, std::span<std::byte> out)>;

class Writer {
 public:
  explicit Writer(uint32_t alignment = 32) : alignment_(alignment) {}

  // Sets a metadata key, replacing an earlier value of the same key in place.
  void set(std::string key, OwnedValue value);
  void set_string(std::string key, std::string v) { set(std::move(key), OwnedValue::string(std::move(v))); }
  void set_u32(std::string key, uint32_t v) { set(std::move(key), OwnedValue::u32(v)); }
  void set_f32(std::string key, float v) { set(std::move(key), OwnedValue::f32(v)); }
  void set_bool(std::string key, bool v) { set(std::move(key), OwnedValue::boolean(v)); }

  // A tensor whose bytes the writer holds (size must equal desc.bytes()).
  Status add_tensor(std::string name, TensorDesc desc, std::vector<std::byte> data);
  // A tensor whose bytes the TensorFiller given to write() produces.
  Status add_tensor(std::string name, TensorDesc desc);

  size_t tensor_count() const { return tensors_.size(); }
  const std::vector<std::pair<std::string, OwnedValue>>& metadata() const { return metadata_; }

  // Writes the whole file to `path` (through a temporary name, renamed when complete).
  // `fill` is called for tensors added without data; it may be empty when there are none.
  Status write(const std::filesystem::path& path, const TensorFiller& fill = {}) const;
  // The whole file in memory (tests, fuzz seeds).
  Result<std::vector<std::byte>> to_bytes(const TensorFiller& fill = {}) const;

 private:
  struct Tensor {
    std::string name;
    TensorDesc desc;
    uint32_t n_dims = 1;
    bool has_data = false;
    std::vector<std::byte> data;
  };
  Status add(Tensor t);
  Status emit(const std::function<Status(std::span<const std::byte>)>& sink,
              const TensorFiller& fill) const;

  uint32_t alignment_;
  std::vector<std::pair<std::string, OwnedValue>> metadata_;
  std::vector<Tensor> tensors_;
};

} // namespace llmhost::gguf
