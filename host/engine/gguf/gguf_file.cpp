#include "engine/gguf/gguf_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "engine/gguf/gguf_parser.hpp"

namespace llmhost::gguf {
namespace {

Status io_error(const std::filesystem::path& path, std::string_view what) {
  // Only the file name: absolute paths leak deployment details into client-visible errors.
  return Status::error(ErrorCode::not_found, "gguf: cannot " + std::string(what) + " '" +
                                                 path.filename().string() +
                                                 "': " + std::strerror(errno));
}

// Closes a descriptor on every path out of open().
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

} // namespace

const char* value_type_name(ValueType t) {
  switch (t) {
    case ValueType::u8: return "u8";
    case ValueType::i8: return "i8";
    case ValueType::u16: return "u16";
    case ValueType::i16: return "i16";
    case ValueType::u32: return "u32";
    case ValueType::i32: return "i32";
    case ValueType::f32: return "f32";
    case ValueType::boolean: return "bool";
    case ValueType::string: return "string";
    case ValueType::array: return "array";
    case ValueType::u64: return "u64";
    case ValueType::i64: return "i64";
    case ValueType::f64: return "f64";
  }
  return "unknown";
}

std::optional<uint64_t> Value::as_u64() const {
  if (const auto* u = std::get_if<uint64_t>(&v)) return *u;
  if (const auto* i = std::get_if<int64_t>(&v); i && *i >= 0) return static_cast<uint64_t>(*i);
  return std::nullopt;
}

std::optional<int64_t> Value::as_i64() const {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* u = std::get_if<uint64_t>(&v);
      u && *u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return static_cast<int64_t>(*u);
  return std::nullopt;
}

std::optional<double> Value::as_f64() const {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* u = std::get_if<uint64_t>(&v)) return static_cast<double>(*u);
  return std::nullopt;
}

std::optional<bool> Value::as_bool() const {
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return std::nullopt;
}

std::optional<std::string_view> Value::as_string() const {
  if (const auto* s = std::get_if<std::string_view>(&v)) return *s;
  return std::nullopt;
}

const Array* Value::as_array() const { return std::get_if<Array>(&v); }

Result<std::shared_ptr<const File>> File::open(const std::filesystem::path& path) {
  FdGuard fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) return io_error(path, "open");
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0) return io_error(path, "stat");
  if (!S_ISREG(st.st_mode))
    return Status::error(ErrorCode::invalid_request,
                         "gguf: '" + path.filename().string() + "' is not a regular file");
  const auto size = static_cast<size_t>(st.st_size);
  if (size == 0)
    return Status::error(ErrorCode::invalid_request,
                         "gguf: '" + path.filename().string() + "' is empty");
  void* base = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.fd, 0);
  if (base == MAP_FAILED) return io_error(path, "map");

  std::shared_ptr<File> file(new File()); // private constructor: make_shared cannot reach it
  file->map_ = base;
  file->map_size_ = size;
  file->bytes_ = {static_cast<const std::byte*>(base), size};
  if (auto st2 = Parser::run(*file); !st2) return st2;
  return std::shared_ptr<const File>(std::move(file));
}

Result<std::shared_ptr<const File>> File::parse(std::span<const std::byte> bytes) {
  std::shared_ptr<File> file(new File());
  file->bytes_ = bytes;
  if (auto st = Parser::run(*file); !st) return st;
  return std::shared_ptr<const File>(std::move(file));
}

File::~File() {
  if (map_) ::munmap(map_, map_size_);
}

const Value* File::find(std::string_view key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &metadata_[it->second].second;
}

std::optional<std::string_view> File::get_string(std::string_view key) const {
  const Value* v = find(key);
  return v ? v->as_string() : std::nullopt;
}

std::optional<uint64_t> File::get_u64(std::string_view key) const {
  const Value* v = find(key);
  return v ? v->as_u64() : std::nullopt;
}

std::optional<int64_t> File::get_i64(std::string_view key) const {
  const Value* v = find(key);
  return v ? v->as_i64() : std::nullopt;
}

std::optional<double> File::get_f64(std::string_view key) const {
  const Value* v = find(key);
  return v ? v->as_f64() : std::nullopt;
}

std::optional<bool> File::get_bool(std::string_view key) const {
  const Value* v = find(key);
  return v ? v->as_bool() : std::nullopt;
}

const Array* File::get_array(std::string_view key) const {
  const Value* v = find(key);
  return v ? v->as_array() : nullptr;
}

std::string_view File::architecture() const {
  return get_string("general.architecture").value_or(std::string_view{});
}

const TensorInfo* File::find_tensor(std::string_view name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

} // namespace llmhost::gguf
