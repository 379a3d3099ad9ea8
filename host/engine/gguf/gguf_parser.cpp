// GGUF layout (little-endian): magic "GGUF", u32 version, u64 tensor count, u64 metadata count,
// metadata (string key, u32 type, value), tensor infos (string name, u32 n_dims, i64 ne[n_dims],
// u32 type, u64 offset), padding to the alignment, then the data section. Every count is checked
// against the bytes that remain before anything is allocated, so a hostile file cannot make the
// reader allocate more than a small multiple of its own size.
#include "engine/gguf/gguf_parser.hpp"

#include <cstring>
#include <limits>
#include <string>

namespace llmhost::gguf {
namespace {

constexpr uint32_t kMagic = 0x46554747; // "GGUF" read as little-endian u32
constexpr int kMaxArrayDepth = 8;       // nested arrays deeper than this are surely hostile
constexpr size_t kMaxTensorName = 64;   // ggml's GGML_MAX_NAME, counting the terminator
constexpr uint32_t kMaxDims = 4;
// Array items over the whole file. A parsed item takes ~50x the bytes of an encoded u8, so this
// bounds the memory a hostile file can claim; real vocabularies hold well under 10^6 items.
constexpr uint64_t kMaxArrayItems = uint64_t{1} << 24;

// Internal only: parse errors unwind to Parser::run, which turns them into a Status.
struct ParseError {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw ParseError{"gguf: " + std::move(message)}; }

bool known_value_type(uint32_t t) { return t <= static_cast<uint32_t>(ValueType::f64); }

// Smallest encoding of one element of type t, for bounding counts before allocation.
size_t min_encoded_size(ValueType t) {
  switch (t) {
    case ValueType::u8: case ValueType::i8: case ValueType::boolean: return 1;
    case ValueType::u16: case ValueType::i16: return 2;
    case ValueType::u32: case ValueType::i32: case ValueType::f32: return 4;
    case ValueType::u64: case ValueType::i64: case ValueType::f64: return 8;
    case ValueType::string: return 8;  // length
    case ValueType::array: return 12;  // element type + count
  }
  return 1;
}

class Cursor {
 public:
  explicit Cursor(std::span<const std::byte> bytes) : bytes_(bytes) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  template <typename T>
  T read(const char* what) {
    if (remaining() < sizeof(T))
      fail(std::string("file truncated while reading ") + what + " at offset " +
           std::to_string(pos_));
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  std::string_view read_string(const std::string& what) {
    const auto len = read<uint64_t>(what.c_str());
    if (len > remaining())
      fail(what + " claims " + std::to_string(len) + " bytes at offset " + std::to_string(pos_) +
           " but only " + std::to_string(remaining()) + " remain");
    std::string_view s(reinterpret_cast<const char*>(bytes_.data() + pos_), len);
    pos_ += len;
    return s;
  }

  // Charges `count` array items against the file's budget.
  void take_items(uint64_t count, const std::string& what) {
    if (count > items_left_)
      fail(what + " pushes the metadata past " + std::to_string(kMaxArrayItems) + " array items");
    items_left_ -= count;
  }

  // Fails unless `count` elements of at least `min_size` bytes each can still fit.
  void check_count(uint64_t count, size_t min_size, const std::string& what) const {
    if (count > remaining() / min_size)
      fail(what + " count " + std::to_string(count) + " exceeds what the remaining " +
           std::to_string(remaining()) + " bytes can hold");
  }

 private:
  std::span<const std::byte> bytes_;
  size_t pos_ = 0;
  uint64_t items_left_ = kMaxArrayItems;
};

// Printable and short, for error messages about names read from the file.
std::string quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 80) out += "...";
  return out + "'";
}

Value read_value(Cursor& in, ValueType type, const std::string& where, int depth) {
  Value v;
  v.type = type;
  switch (type) {
    case ValueType::u8: v.v = uint64_t{in.read<uint8_t>(where.c_str())}; break;
    case ValueType::i8: v.v = int64_t{in.read<int8_t>(where.c_str())}; break;
    case ValueType::u16: v.v = uint64_t{in.read<uint16_t>(where.c_str())}; break;
    case ValueType::i16: v.v = int64_t{in.read<int16_t>(where.c_str())}; break;
    case ValueType::u32: v.v = uint64_t{in.read<uint32_t>(where.c_str())}; break;
    case ValueType::i32: v.v = int64_t{in.read<int32_t>(where.c_str())}; break;
    case ValueType::u64: v.v = in.read<uint64_t>(where.c_str()); break;
    case ValueType::i64: v.v = in.read<int64_t>(where.c_str()); break;
    case ValueType::f32: v.v = double{in.read<float>(where.c_str())}; break;
    case ValueType::f64: v.v = in.read<double>(where.c_str()); break;
    case ValueType::boolean: v.v = in.read<uint8_t>(where.c_str()) != 0; break;
    case ValueType::string: v.v = in.read_string(where); break;
    case ValueType::array: {
      if (depth >= kMaxArrayDepth)
        fail(where + " nests arrays deeper than " + std::to_string(kMaxArrayDepth));
      const auto raw_type = in.read<uint32_t>(where.c_str());
      if (!known_value_type(raw_type))
        fail(where + " has arrays of unknown value type " + std::to_string(raw_type));
      Array arr;
      arr.type = static_cast<ValueType>(raw_type);
      const auto count = in.read<uint64_t>(where.c_str());
      in.check_count(count, min_encoded_size(arr.type), where + " array");
      in.take_items(count, where);
      arr.items.reserve(count);
      for (uint64_t i = 0; i < count; ++i)
        arr.items.push_back(read_value(in, arr.type, where, depth + 1));
      v.v = std::move(arr);
      break;
    }
  }
  return v;
}

uint64_t alignment_from(const Value& v) {
  const auto a = v.as_u64();
  if (!a || *a == 0 || (*a & (*a - 1)) != 0 || *a > (uint64_t{1} << 30))
    fail("general.alignment must be a power of two between 1 and 2^30");
  return *a;
}

} // namespace

Status Parser::run(File& file) {
  try {
    Cursor in(file.bytes_);
    if (file.bytes_.size() < 4) fail("file too small to be GGUF");
    if (in.read<uint32_t>("magic") != kMagic) fail("not a GGUF file (bad magic)");
    const auto version = in.read<uint32_t>("version");
    if (version == 1) fail("GGUF version 1 is not supported (re-convert the model)");
    if (version > 0xffff) fail("big-endian GGUF files are not supported");
    if (version != 2 && version != 3) fail("unsupported GGUF version " + std::to_string(version));
    file.version_ = version;

    const auto n_tensors = in.read<uint64_t>("tensor count");
    const auto n_kv = in.read<uint64_t>("metadata count");
    in.check_count(n_kv, 8 + 4 + 1, "metadata");
    in.check_count(n_tensors, 8 + 4 + 4 + 8, "tensor");

    file.metadata_.reserve(n_kv);
    for (uint64_t i = 0; i < n_kv; ++i) {
      const auto key = in.read_string("metadata key #" + std::to_string(i));
      const std::string where = "metadata key " + quoted(key);
      if (file.index_.count(key)) fail("duplicate " + where);
      const auto raw_type = in.read<uint32_t>(where.c_str());
      if (!known_value_type(raw_type))
        fail(where + " has unknown value type " + std::to_string(raw_type));
      Value v = read_value(in, static_cast<ValueType>(raw_type), where, 0);
      if (key == "general.alignment") file.alignment_ = alignment_from(v);
      file.index_.emplace(key, file.metadata_.size());
      file.metadata_.emplace_back(key, std::move(v));
    }

    file.tensors_.reserve(n_tensors);
    for (uint64_t i = 0; i < n_tensors; ++i) {
      TensorInfo t;
      t.name = in.read_string("tensor name #" + std::to_string(i));
      const std::string where = "tensor " + quoted(t.name);
      if (t.name.size() >= kMaxTensorName)
        fail(where + " name is longer than " + std::to_string(kMaxTensorName - 1) + " bytes");
      if (file.tensor_index_.count(t.name)) fail("duplicate " + where);
      t.n_dims = in.read<uint32_t>(where.c_str());
      if (t.n_dims > kMaxDims)
        fail(where + " has " + std::to_string(t.n_dims) + " dimensions (at most 4 supported)");
      int64_t elements = 1;
      for (uint32_t d = 0; d < t.n_dims; ++d) {
        const auto ne = in.read<int64_t>(where.c_str());
        if (ne <= 0) fail(where + " has dimension " + std::to_string(ne));
        if (elements > std::numeric_limits<int64_t>::max() / ne)
          fail(where + " has dimensions whose product overflows");
        elements *= ne;
        t.desc.ne[d] = ne;
      }
      const auto raw_type = in.read<uint32_t>(where.c_str());
      const auto traits = type_traits(raw_type);
      if (!traits) fail(where + " has unknown tensor type " + std::to_string(raw_type));
      t.desc.type = static_cast<TensorType>(raw_type);
      if (t.desc.ne[0] % traits->block_elems != 0)
        fail(where + " has rows of " + std::to_string(t.desc.ne[0]) +
             " elements, not a multiple of the " + std::string(traits->name) + " block size " +
             std::to_string(traits->block_elems));
      t.offset = in.read<uint64_t>(where.c_str());
      file.tensor_index_.emplace(t.name, file.tensors_.size());
      file.tensors_.push_back(t);
    }

    // The data section starts at the next multiple of the alignment.
    const uint64_t align = file.alignment_;
    const uint64_t data_start = (in.pos() + align - 1) / align * align;
    const uint64_t size = file.bytes_.size();
    if (!file.tensors_.empty() && data_start > size) fail("file truncated before the tensor data");
    const uint64_t data_size = data_start <= size ? size - data_start : 0;
    for (auto& t : file.tensors_) {
      const std::string where = "tensor " + quoted(t.name);
      if (t.offset % align != 0)
        fail(where + " data offset " + std::to_string(t.offset) +
             " is not a multiple of the alignment " + std::to_string(align));
      const auto traits = type_traits(t.desc.type);
      const uint64_t row = static_cast<uint64_t>(t.desc.ne[0]) / traits->block_elems *
                           traits->block_bytes;
      const auto rows = static_cast<uint64_t>(t.desc.rows());
      if (row != 0 && rows > std::numeric_limits<uint64_t>::max() / row)
        fail(where + " data size overflows");
      const uint64_t nbytes = row * rows;
      if (t.offset > data_size || nbytes > data_size - t.offset)
        fail(where + " data extends past end of file");
      t.data = file.bytes_.subspan(static_cast<size_t>(data_start + t.offset),
                                   static_cast<size_t>(nbytes));
    }
  } catch (const ParseError& e) {
    return Status::error(ErrorCode::invalid_request, e.message);
  } catch (const std::bad_alloc&) {
    return Status::error(ErrorCode::invalid_request, "gguf: out of memory while parsing");
  }
  return Status::success();
}

} // namespace llmhost::gguf
