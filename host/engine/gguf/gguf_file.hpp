// A memory-mapped GGUF file (v2, v3): metadata of every value type, tensor infos and typed,
// zero-copy views of tensor data. Opening validates everything (counts, offsets, overflow,
// alignment, types) so that later reads are always in bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "llmhost/graph.hpp"
#include "llmhost/status.hpp"
#include "llmhost/tensor_type.hpp"

namespace llmhost::gguf {

enum class ValueType : uint32_t {
  u8 = 0, i8 = 1, u16 = 2, i16 = 3, u32 = 4, i32 = 5, f32 = 6, boolean = 7,
  string = 8, array = 9, u64 = 10, i64 = 11, f64 = 12,
};
const char* value_type_name(ValueType t);

struct Value;
// Arrays hold one element type; strings are views into the mapped file.
struct Array {
  ValueType type = ValueType::u8;
  std::vector<Value> items;
};

struct Value {
  ValueType type = ValueType::u8;
  std::variant<uint64_t, int64_t, double, bool, std::string_view, Array> v;

  // Conversions; nullopt when the value is of another kind (integers convert between widths
  // when the value fits).
  std::optional<uint64_t> as_u64() const;
  std::optional<int64_t> as_i64() const;
  std::optional<double> as_f64() const;
  std::optional<bool> as_bool() const;
  std::optional<std::string_view> as_string() const;
  const Array* as_array() const;
};

struct TensorInfo {
  std::string_view name;
  TensorDesc desc;           // type and ne (ne[0] innermost)
  uint32_t n_dims = 0;
  uint64_t offset = 0;       // relative to the data section
  std::span<const std::byte> data; // the tensor's bytes in the mapped file
};

class File {
 public:
  // Maps and validates `path`. Errors name the problem (and never contain the absolute path).
  static Result<std::shared_ptr<const File>> open(const std::filesystem::path& path);
  // Parses an in-memory image (tests, fuzzing); the bytes must outlive the File.
  static Result<std::shared_ptr<const File>> parse(std::span<const std::byte> bytes);

  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  size_t file_size() const { return bytes_.size(); }

  // Metadata in file order.
  const std::vector<std::pair<std::string_view, Value>>& metadata() const { return metadata_; }
  const Value* find(std::string_view key) const;
  std::optional<std::string_view> get_string(std::string_view key) const;
  std::optional<uint64_t> get_u64(std::string_view key) const;
  std::optional<int64_t> get_i64(std::string_view key) const;
  std::optional<double> get_f64(std::string_view key) const;
  std::optional<bool> get_bool(std::string_view key) const;
  const Array* get_array(std::string_view key) const;
  // "general.architecture", or empty.
  std::string_view architecture() const;

  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* find_tensor(std::string_view name) const;

 private:
  File() = default;
  friend class Parser;

  void* map_ = nullptr;   // mmap base when opened from disk
  size_t map_size_ = 0;
  std::span<const std::byte> bytes_;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  std::vector<std::pair<std::string_view, Value>> metadata_;
  std::map<std::string_view, size_t, std::less<>> index_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string_view, size_t, std::less<>> tensor_index_;
};

} // namespace llmhost::gguf
