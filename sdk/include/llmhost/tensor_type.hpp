// Tensor element types. Values equal GGML's type ids, so a GGUF tensor's type maps directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace llmhost {

enum class TensorType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  BF16 = 30,
};

// Block geometry of a type: `block_elems` elements are stored in `block_bytes` bytes.
// Plain types have block_elems == 1.
struct TypeTraits {
  std::string_view name; // "F32", "Q4_K", ... as GGUF/llama.cpp spell them
  uint32_t block_elems = 0;
  uint32_t block_bytes = 0;
  bool quantized = false;
};

// Traits of a known type, or nullopt for an id this SDK does not know.
std::optional<TypeTraits> type_traits(uint32_t raw_type);
inline std::optional<TypeTraits> type_traits(TensorType t) { return type_traits(static_cast<uint32_t>(t)); }
std::string_view type_name(TensorType t);
std::optional<TensorType> type_from_name(std::string_view name);

// Bytes one row of `n` elements takes; nullopt when n is not a whole number of blocks.
std::optional<size_t> row_bytes(TensorType t, int64_t n);

// ---- Block layouts (little-endian, packed exactly as GGUF/ggml stores them) ----
// f16 is stored as its raw 16 bits.
using f16_bits = uint16_t;

inline constexpr int QK4_0 = 32;
struct BlockQ4_0 { f16_bits d; uint8_t qs[QK4_0 / 2]; };
inline constexpr int QK4_1 = 32;
struct BlockQ4_1 { f16_bits d; f16_bits m; uint8_t qs[QK4_1 / 2]; };
inline constexpr int QK5_0 = 32;
struct BlockQ5_0 { f16_bits d; uint8_t qh[4]; uint8_t qs[QK5_0 / 2]; };
inline constexpr int QK5_1 = 32;
struct BlockQ5_1 { f16_bits d; f16_bits m; uint8_t qh[4]; uint8_t qs[QK5_1 / 2]; };
inline constexpr int QK8_0 = 32;
struct BlockQ8_0 { f16_bits d; int8_t qs[QK8_0]; };
inline constexpr int QK8_1 = 32;
struct BlockQ8_1 { f16_bits d; f16_bits s; int8_t qs[QK8_1]; };

inline constexpr int QK_K = 256;
inline constexpr int K_SCALE_SIZE = 12;
struct BlockQ4_K { f16_bits d; f16_bits dmin; uint8_t scales[K_SCALE_SIZE]; uint8_t qs[QK_K / 2]; };
struct BlockQ5_K { f16_bits d; f16_bits dmin; uint8_t scales[K_SCALE_SIZE]; uint8_t qh[QK_K / 8]; uint8_t qs[QK_K / 2]; };
struct BlockQ6_K { uint8_t ql[QK_K / 2]; uint8_t qh[QK_K / 4]; int8_t scales[QK_K / 16]; f16_bits d; };
struct BlockQ8_K { float d; int8_t qs[QK_K]; int16_t bsums[QK_K / 16]; };

static_assert(sizeof(BlockQ4_0) == 18);
static_assert(sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ5_0) == 22);
static_assert(sizeof(BlockQ5_1) == 24);
static_assert(sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ8_1) == 36);
static_assert(sizeof(BlockQ4_K) == 144);
static_assert(sizeof(BlockQ5_K) == 176);
static_assert(sizeof(BlockQ6_K) == 210);
static_assert(sizeof(BlockQ8_K) == 292);

// IEEE half <-> float, bit-exact with ggml's conversions (round to nearest even).
float f16_to_f32(f16_bits h);
f16_bits f32_to_f16(float f);
float bf16_to_f32(uint16_t h);
uint16_t f32_to_bf16(float f);

} // namespace llmhost
