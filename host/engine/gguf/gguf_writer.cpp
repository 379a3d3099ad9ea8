#include "engine/gguf/gguf_writer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace llmhost::gguf {
namespace {

constexpr uint32_t kMagic = 0x46554747; // "GGUF"
constexpr uint32_t kVersion = 3;

// Serialises little-endian values into a byte vector (the header is small; tensors stream).
class Encoder {
 public:
  template <typename T>
  void put(T v) {
    const auto* p = reinterpret_cast<const std::byte*>(&v);
    out_.insert(out_.end(), p, p + sizeof(T));
  }
  void put_string(std::string_view s) {
    put<uint64_t>(s.size());
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    out_.insert(out_.end(), p, p + s.size());
  }
  void put_value(const OwnedValue& v) {
    switch (v.type) {
      case ValueType::u8: put(static_cast<uint8_t>(std::get<uint64_t>(v.v))); break;
      case ValueType::i8: put(static_cast<int8_t>(std::get<int64_t>(v.v))); break;
      case ValueType::u16: put(static_cast<uint16_t>(std::get<uint64_t>(v.v))); break;
      case ValueType::i16: put(static_cast<int16_t>(std::get<int64_t>(v.v))); break;
      case ValueType::u32: put(static_cast<uint32_t>(std::get<uint64_t>(v.v))); break;
      case ValueType::i32: put(static_cast<int32_t>(std::get<int64_t>(v.v))); break;
      case ValueType::u64: put(std::get<uint64_t>(v.v)); break;
      case ValueType::i64: put(std::get<int64_t>(v.v)); break;
      case ValueType::f32: put(static_cast<float>(std::get<double>(v.v))); break;
      case ValueType::f64: put(std::get<double>(v.v)); break;
      case ValueType::boolean: put(static_cast<uint8_t>(std::get<bool>(v.v) ? 1 : 0)); break;
      case ValueType::string: put_string(std::get<std::string>(v.v)); break;
      case ValueType::array: {
        const auto& arr = std::get<OwnedArray>(v.v);
        put(static_cast<uint32_t>(arr.type));
        put<uint64_t>(arr.items.size());
        for (const auto& item : arr.items) put_value(item);
        break;
      }
    }
  }
  void pad_to(uint64_t alignment) {
    while (out_.size() % alignment != 0) out_.push_back(std::byte{0});
  }
  std::vector<std::byte>& bytes() { return out_; }

 private:
  std::vector<std::byte> out_;
};

// Checks that a value's variant alternative matches its declared type, recursively.
bool well_formed(const OwnedValue& v) {
  switch (v.type) {
    case ValueType::u8: case ValueType::u16: case ValueType::u32: case ValueType::u64:
      return std::holds_alternative<uint64_t>(v.v);
    case ValueType::i8: case ValueType::i16: case ValueType::i32: case ValueType::i64:
      return std::holds_alternative<int64_t>(v.v);
    case ValueType::f32: case ValueType::f64: return std::holds_alternative<double>(v.v);
    case ValueType::boolean: return std::holds_alternative<bool>(v.v);
    case ValueType::string: return std::holds_alternative<std::string>(v.v);
    case ValueType::array: {
      const auto* arr = std::get_if<OwnedArray>(&v.v);
      if (!arr) return false;
      for (const auto& item : arr->items)
        if (item.type != arr->type || !well_formed(item)) return false;
      return true;
    }
  }
  return false;
}

uint32_t dims_of(const TensorDesc& d) {
  uint32_t n = 1;
  for (uint32_t i = 0; i < 4; ++i)
    if (d.ne[i] != 1) n = i + 1;
  return n;
}

uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

} // namespace

OwnedValue OwnedValue::strings(std::span<const std::string> xs) {
  std::vector<OwnedValue> items;
  items.reserve(xs.size());
  for (const auto& s : xs) items.push_back(string(s));
  return array(ValueType::string, std::move(items));
}

OwnedValue OwnedValue::f32s(std::span<const float> xs) {
  std::vector<OwnedValue> items;
  items.reserve(xs.size());
  for (float x : xs) items.push_back(f32(x));
  return array(ValueType::f32, std::move(items));
}

OwnedValue OwnedValue::i32s(std::span<const int32_t> xs) {
  std::vector<OwnedValue> items;
  items.reserve(xs.size());
  for (int32_t x : xs) items.push_back(i32(x));
  return array(ValueType::i32, std::move(items));
}

OwnedValue OwnedValue::copy_of(const Value& v) {
  OwnedValue out;
  out.type = v.type;
  if (const auto* s = std::get_if<std::string_view>(&v.v)) {
    out.v = std::string(*s);
  } else if (const auto* a = std::get_if<Array>(&v.v)) {
    OwnedArray arr{a->type, {}};
    arr.items.reserve(a->items.size());
    for (const auto& item : a->items) arr.items.push_back(copy_of(item));
    out.v = std::move(arr);
  } else {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, uint64_t> || std::is_same_v<T, int64_t> ||
                        std::is_same_v<T, double> || std::is_same_v<T, bool>)
            out.v = x;
        },
        v.v);
  }
  return out;
}

void Writer::set(std::string key, OwnedValue value) {
  for (auto& [k, v] : metadata_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  metadata_.emplace_back(std::move(key), std::move(value));
}

Status Writer::add(Tensor t) {
  if (t.name.empty() || t.name.size() >= 64)
    return Status::error(ErrorCode::invalid_request,
                         "gguf writer: tensor name '" + t.name + "' must be 1..63 bytes");
  for (const auto& other : tensors_)
    if (other.name == t.name)
      return Status::error(ErrorCode::invalid_request, "gguf writer: duplicate tensor '" + t.name + "'");
  for (int64_t ne : t.desc.ne)
    if (ne <= 0)
      return Status::error(ErrorCode::invalid_request,
                           "gguf writer: tensor '" + t.name + "' has a non-positive dimension");
  if (!type_traits(t.desc.type) || t.desc.bytes() == 0)
    return Status::error(ErrorCode::invalid_request,
                         "gguf writer: tensor '" + t.name + "' rows are not whole blocks of " +
                             std::string(type_name(t.desc.type)));
  if (t.has_data && t.data.size() != t.desc.bytes())
    return Status::error(ErrorCode::invalid_request,
                         "gguf writer: tensor '" + t.name + "' has " + std::to_string(t.data.size()) +
                             " bytes, expected " + std::to_string(t.desc.bytes()));
  t.n_dims = dims_of(t.desc);
  tensors_.push_back(std::move(t));
  return Status::success();
}

Status Writer::add_tensor(std::string name, TensorDesc desc, std::vector<std::byte> data) {
  return add(Tensor{std::move(name), desc, 1, true, std::move(data)});
}

Status Writer::add_tensor(std::string name, TensorDesc desc) {
  return add(Tensor{std::move(name), desc, 1, false, {}});
}

Status Writer::emit(const std::function<Status(std::span<const std::byte>)>& sink,
                    const TensorFiller& fill) const {
  if (alignment_ == 0 || (alignment_ & (alignment_ - 1)) != 0)
    return Status::error(ErrorCode::invalid_request, "gguf writer: alignment must be a power of two");
  for (const auto& [key, value] : metadata_)
    if (!well_formed(value))
      return Status::error(ErrorCode::invalid_request,
                           "gguf writer: metadata '" + key + "' does not match its declared type");

  bool write_alignment = alignment_ != 32;
  for (const auto& kv : metadata_)
    if (kv.first == "general.alignment") write_alignment = false;

  Encoder head;
  head.put(kMagic);
  head.put(kVersion);
  head.put<uint64_t>(tensors_.size());
  head.put<uint64_t>(metadata_.size() + (write_alignment ? 1 : 0));
  if (write_alignment) {
    head.put_string("general.alignment");
    head.put(static_cast<uint32_t>(ValueType::u32));
    head.put(alignment_);
  }
  for (const auto& [key, value] : metadata_) {
    head.put_string(key);
    head.put(static_cast<uint32_t>(value.type));
    head.put_value(value);
  }
  uint64_t offset = 0;
  for (const auto& t : tensors_) {
    head.put_string(t.name);
    head.put(t.n_dims);
    for (uint32_t d = 0; d < t.n_dims; ++d) head.put<int64_t>(t.desc.ne[d]);
    head.put(static_cast<uint32_t>(t.desc.type));
    head.put(offset);
    offset = align_up(offset + t.desc.bytes(), alignment_);
  }
  if (!tensors_.empty()) head.pad_to(alignment_);
  if (auto st = sink(head.bytes()); !st) return st;

  const std::vector<std::byte> zeros(alignment_);
  std::vector<std::byte> scratch;
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const auto& t = tensors_[i];
    const size_t n = t.desc.bytes();
    std::span<const std::byte> data = t.data;
    if (!t.has_data) {
      if (!fill)
        return Status::error(ErrorCode::invalid_request,
                             "gguf writer: no data source for tensor '" + t.name + "'");
      scratch.assign(n, std::byte{0});
      if (auto st = fill(i, scratch); !st) return st;
      data = scratch;
    }
    if (auto st = sink(data); !st) return st;
    if (const size_t pad = align_up(n, alignment_) - n; pad != 0)
      if (auto st = sink(std::span(zeros).first(pad)); !st) return st;
  }
  return Status::success();
}

Status Writer::write(const std::filesystem::path& path, const TensorFiller& fill) const {
  auto tmp = path;
  tmp += ".partial";
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(tmp.c_str(), "wb"));
  const std::string shown = path.filename().string();
  if (!f)
    return Status::error(ErrorCode::internal,
                         "gguf writer: cannot create '" + shown + "': " + std::strerror(errno));
  auto sink = [&](std::span<const std::byte> bytes) {
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size())
      return Status::error(ErrorCode::internal,
                           "gguf writer: write to '" + shown + "' failed: " + std::strerror(errno));
    return Status::success();
  };
  Status st = emit(sink, fill);
  if (st && std::fclose(f.release()) != 0)
    st = Status::error(ErrorCode::internal, "gguf writer: closing '" + shown + "' failed");
  std::error_code ec;
  if (!st) {
    f.reset();
    std::filesystem::remove(tmp, ec);
    return st;
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return Status::error(ErrorCode::internal, "gguf writer: cannot rename into '" + shown +
                                                  "': " + ec.message());
  return Status::success();
}

Result<std::vector<std::byte>> Writer::to_bytes(const TensorFiller& fill) const {
  std::vector<std::byte> out;
  auto sink = [&](std::span<const std::byte> bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
    return Status::success();
  };
  if (auto st = emit(sink, fill); !st) return st;
  return out;
}

} // namespace llmhost::gguf
