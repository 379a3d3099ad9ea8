#include "llmhost/tensor_type.hpp"

#include <array>
#include <cstring>

namespace llmhost {
namespace {

struct Entry {
  TensorType type;
  TypeTraits traits;
};

constexpr std::array kTypes = {
    Entry{TensorType::F32, {"F32", 1, 4, false}},
    Entry{TensorType::F16, {"F16", 1, 2, false}},
    Entry{TensorType::Q4_0, {"Q4_0", 32, sizeof(BlockQ4_0), true}},
    Entry{TensorType::Q4_1, {"Q4_1", 32, sizeof(BlockQ4_1), true}},
    Entry{TensorType::Q5_0, {"Q5_0", 32, sizeof(BlockQ5_0), true}},
    Entry{TensorType::Q5_1, {"Q5_1", 32, sizeof(BlockQ5_1), true}},
    Entry{TensorType::Q8_0, {"Q8_0", 32, sizeof(BlockQ8_0), true}},
    Entry{TensorType::Q8_1, {"Q8_1", 32, sizeof(BlockQ8_1), true}},
    Entry{TensorType::Q2_K, {"Q2_K", 256, 84, true}},
    Entry{TensorType::Q3_K, {"Q3_K", 256, 110, true}},
    Entry{TensorType::Q4_K, {"Q4_K", 256, sizeof(BlockQ4_K), true}},
    Entry{TensorType::Q5_K, {"Q5_K", 256, sizeof(BlockQ5_K), true}},
    Entry{TensorType::Q6_K, {"Q6_K", 256, sizeof(BlockQ6_K), true}},
    Entry{TensorType::Q8_K, {"Q8_K", 256, sizeof(BlockQ8_K), true}},
    Entry{TensorType::I8, {"I8", 1, 1, false}},
    Entry{TensorType::I16, {"I16", 1, 2, false}},
    Entry{TensorType::I32, {"I32", 1, 4, false}},
    Entry{TensorType::I64, {"I64", 1, 8, false}},
    Entry{TensorType::F64, {"F64", 1, 8, false}},
    Entry{TensorType::BF16, {"BF16", 1, 2, false}},
};

} // namespace

std::optional<TypeTraits> type_traits(uint32_t raw_type) {
  for (const auto& e : kTypes)
    if (static_cast<uint32_t>(e.type) == raw_type) return e.traits;
  return std::nullopt;
}

std::string_view type_name(TensorType t) {
  auto tr = type_traits(t);
  return tr ? tr->name : std::string_view("unknown");
}

std::optional<TensorType> type_from_name(std::string_view name) {
  for (const auto& e : kTypes)
    if (e.traits.name == name) return e.type;
  return std::nullopt;
}

std::optional<size_t> row_bytes(TensorType t, int64_t n) {
  auto tr = type_traits(t);
  if (!tr || n < 0 || n % tr->block_elems != 0) return std::nullopt;
  return static_cast<size_t>(n / tr->block_elems) * tr->block_bytes;
}

float f16_to_f32(f16_bits h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { // subnormal: normalise
      exp = 127 - 15 + 1;
      while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ffu;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

f16_bits f32_to_f16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t abs = x & 0x7fffffffu;
  if (abs > 0x7f800000u) return static_cast<f16_bits>(sign | 0x7e00u); // NaN
  if (abs >= 0x477ff000u) return static_cast<f16_bits>(sign | 0x7c00u); // overflow -> inf
  if (abs < 0x38800000u) {                                            // subnormal or zero
    if (abs < 0x33000000u) return static_cast<f16_bits>(sign);
    const uint32_t e = abs >> 23;
    uint32_t mant = (abs & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - e;
    // round to nearest even on the bits shifted out
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    uint32_t half = mant >> shift;
    if (rem > halfway || (rem == halfway && (half & 1u))) ++half;
    return static_cast<f16_bits>(sign | half);
  }
  uint32_t bits = abs + 0xc8000000u; // rebias exponent 127 -> 15 (subtract 112 << 23)
  const uint32_t rem = bits & 0x1fffu;
  uint32_t half = bits >> 13;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) ++half;
  return static_cast<f16_bits>(sign | half);
}

float bf16_to_f32(uint16_t h) {
  const uint32_t bits = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t f32_to_bf16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 64); // quiet NaN
  return static_cast<uint16_t>((x + (0x7fffu + ((x >> 16) & 1u))) >> 16);
}

} // namespace llmhost
