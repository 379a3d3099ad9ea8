// Hostile and damaged GGUF images: each must yield a clear error, never a crash, a hang or an
// allocation driven by an unchecked count. Built a second time under ASan/UBSan.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "engine/gguf/gguf_file.hpp"
#include "engine/gguf/gguf_writer.hpp"
#include "raw_gguf.hpp"

namespace llmhost::gguf {
namespace {

using testing::RawGguf;

// A small valid file whose last tensor ends exactly at end of file (no trailing padding), so
// that every strict prefix is invalid.
std::vector<std::byte> small_valid_file() {
  Writer w;
  w.set_string("general.architecture", "llama");
  w.set_u32("llama.block_count", 1);
  const std::vector<std::string> toks = {"<unk>", "a", "b"};
  w.set("tokenizer.ggml.tokens", OwnedValue::strings(toks));
  w.set("nested", OwnedValue::array(ValueType::array,
                                    {OwnedValue::array(ValueType::u8, {OwnedValue::u8(1)})}));
  EXPECT_TRUE(w.add_tensor("w", TensorDesc{TensorType::Q8_0, {32, 2, 1, 1}}).ok());
  EXPECT_TRUE(w.add_tensor("n", TensorDesc{TensorType::F32, {8, 1, 1, 1}}).ok());
  auto bytes = w.to_bytes([](size_t, std::span<std::byte> out) {
    for (auto& b : out) b = std::byte{0x11};
    return Status::success();
  });
  EXPECT_TRUE(bytes.ok());
  return *bytes;
}

std::string parse_error(std::span<const std::byte> bytes) {
  auto f = File::parse(bytes);
  return f.ok() ? std::string("<parsed>") : f.status().message;
}

#define EXPECT_ERROR_HAS(bytes, text)                                   \
  do {                                                                  \
    const std::string msg_ = parse_error(bytes);                        \
    EXPECT_NE(msg_.find(text), std::string::npos) << "message: " << msg_; \
    EXPECT_EQ(msg_.rfind("gguf: ", 0), 0u) << msg_;                     \
  } while (0)

TEST(GgufCorrupt, SmallValidFileParses) {
  const auto bytes = small_valid_file();
  auto f = File::parse(bytes);
  ASSERT_TRUE(f.ok()) << f.status().message;
  EXPECT_EQ((*f)->tensors().size(), 2u);
}

TEST(GgufCorrupt, EveryTruncationIsAnError) {
  const auto bytes = small_valid_file();
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto f = File::parse(std::span(bytes).first(len));
    ASSERT_FALSE(f.ok()) << "prefix of " << len << " bytes parsed";
    ASSERT_EQ(f.status().message.rfind("gguf: ", 0), 0u) << f.status().message;
  }
}

TEST(GgufCorrupt, RandomByteDamageNeverCrashes) {
  const auto valid = small_valid_file();
  std::mt19937 rng(1234);
  int parsed = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    auto bytes = valid;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      const size_t at = rng() % bytes.size();
      bytes[at] = (rng() % 2) ? std::byte(rng() & 0xff) : std::byte{0xff};
    }
    auto f = File::parse(bytes);
    if (f.ok()) {
      ++parsed; // still valid: then every tensor view must lie inside the image
      for (const auto& t : (*f)->tensors()) {
        ASSERT_GE(t.data.data(), bytes.data());
        ASSERT_LE(t.data.data() + t.data.size(), bytes.data() + bytes.size());
      }
    }
  }
  EXPECT_LT(parsed, 3000);
}

TEST(GgufCorrupt, MagicAndVersion) {
  EXPECT_ERROR_HAS(RawGguf().u32(0x12345678).u32(3).u64(0).u64(0).bytes, "bad magic");
  EXPECT_ERROR_HAS(RawGguf().header(0, 0, 1).bytes, "version 1");
  EXPECT_ERROR_HAS(RawGguf().header(0, 0, 4).bytes, "unsupported GGUF version 4");
  EXPECT_ERROR_HAS(RawGguf().header(0, 0, 0x03000000).bytes, "big-endian");
  EXPECT_TRUE(File::parse(RawGguf().header(0, 0, 2).bytes).ok());
  EXPECT_TRUE(File::parse(RawGguf().header(0, 0, 3).bytes).ok());
}

TEST(GgufCorrupt, HugeCountsAreRefusedBeforeAllocating) {
  EXPECT_ERROR_HAS(RawGguf().header(0, ~0ull).bytes, "metadata count");
  EXPECT_ERROR_HAS(RawGguf().header(~0ull >> 4, 0).bytes, "tensor count");
  // A string claiming 2^60 bytes.
  EXPECT_ERROR_HAS(RawGguf().header(0, 1).u64(1ull << 60).zeros(32).bytes, "claims");
  EXPECT_ERROR_HAS(RawGguf().header(0, 1).str("k").u32(8).u64(~0ull).bytes, "claims");
  // Arrays of 2^62 u64s / strings / arrays.
  for (uint32_t elem : {10u, 8u, 9u}) {
    EXPECT_ERROR_HAS(RawGguf().header(0, 1).str("k").u32(9).u32(elem).u64(1ull << 62).bytes,
                     "count");
  }
  // Array count that fits the bytes for u8 but not for u32.
  auto r = RawGguf().header(0, 1).str("k").u32(9).u32(4).u64(8).zeros(8);
  EXPECT_ERROR_HAS(r.bytes, "count");
}

TEST(GgufCorrupt, ArrayItemBudgetBoundsMemory) {
  // 2^24 + 1 one-byte items: each fits the bytes, together they exceed the item budget.
  const uint64_t n = (uint64_t{1} << 24) + 1;
  auto r = RawGguf().header(0, 1).str("big").u32(9).u32(0).u64(n).zeros(n);
  EXPECT_ERROR_HAS(r.bytes, "array items");
}

TEST(GgufCorrupt, UnknownValueTypes) {
  EXPECT_ERROR_HAS(RawGguf().header(0, 1).str("k").u32(13).u32(0).bytes, "unknown value type 13");
  EXPECT_ERROR_HAS(RawGguf().header(0, 1).str("k").u32(9).u32(99).u64(0).bytes,
                   "unknown value type 99");
}

TEST(GgufCorrupt, DeeplyNestedArraysAreRefused) {
  RawGguf r;
  r.header(0, 1).str("deep").u32(9);
  for (int i = 0; i < 10000; ++i) r.u32(9).u64(1);
  r.u32(0).u64(0);
  EXPECT_ERROR_HAS(r.bytes, "nests arrays");
}

TEST(GgufCorrupt, DuplicateKeysAndTensorNames) {
  EXPECT_ERROR_HAS(RawGguf().header(0, 2).kv_u32("a.b", 1).kv_u32("a.b", 2).bytes,
                   "duplicate metadata key 'a.b'");
  auto r = RawGguf().header(2, 0).tensor("t", {4}, 0, 0).tensor("t", {4}, 0, 32).pad(32).zeros(64);
  EXPECT_ERROR_HAS(r.bytes, "duplicate tensor 't'");
}

TEST(GgufCorrupt, AlignmentValues) {
  for (uint32_t bad : {0u, 3u, 48u, 0x80000000u, 0xffffffffu}) {
    EXPECT_ERROR_HAS(RawGguf().header(0, 1).kv_u32("general.alignment", bad).bytes,
                     "general.alignment");
  }
  EXPECT_ERROR_HAS(RawGguf().header(0, 1).kv_str("general.alignment", "32").bytes,
                   "general.alignment");
  auto ok = RawGguf().header(1, 1).kv_u32("general.alignment", 64).tensor("t", {4}, 0, 0).pad(64).zeros(16);
  auto f = File::parse(ok.bytes);
  ASSERT_TRUE(f.ok()) << f.status().message;
  EXPECT_EQ((*f)->alignment(), 64u);
}

TEST(GgufCorrupt, TensorOffsets) {
  // 16 bytes of F32 data exist; offset 32 points past them.
  auto past = RawGguf().header(1, 0).tensor("blk.0.attn_q.weight", {4}, 0, 32).pad(32).zeros(16);
  EXPECT_ERROR_HAS(past.bytes, "tensor 'blk.0.attn_q.weight' data extends past end of file");
  auto overflow = RawGguf().header(1, 0).tensor("t", {4}, 0, ~0ull & ~31ull).pad(32).zeros(16);
  EXPECT_ERROR_HAS(overflow.bytes, "extends past end of file");
  auto misaligned = RawGguf().header(1, 0).tensor("t", {4}, 0, 8).pad(32).zeros(64);
  EXPECT_ERROR_HAS(misaligned.bytes, "not a multiple of the alignment 32");
  auto too_big = RawGguf().header(1, 0).tensor("t", {1024, 1024}, 0, 0).pad(32).zeros(64);
  EXPECT_ERROR_HAS(too_big.bytes, "extends past end of file");
  auto no_data = RawGguf().header(1, 0).tensor("t", {4}, 0, 0);
  EXPECT_FALSE(File::parse(no_data.bytes).ok());
}

TEST(GgufCorrupt, Dimensions) {
  auto five = RawGguf().header(1, 0).tensor("t", {1, 1, 1, 1, 1}, 0, 0).pad(32).zeros(32);
  EXPECT_ERROR_HAS(five.bytes, "5 dimensions");
  auto huge_dims = RawGguf().header(1, 0).str("t").u32(200000).zeros(64).bytes;
  EXPECT_ERROR_HAS(huge_dims, "dimensions");
  auto overflow = RawGguf().header(1, 0).tensor("t", {1ll << 40, 1ll << 40}, 0, 0).pad(32).zeros(32);
  EXPECT_ERROR_HAS(overflow.bytes, "overflow");
  auto overflow_bytes =
      RawGguf().header(1, 0).tensor("t", {1ll << 31, 1ll << 31, 2}, 0, 0).pad(32).zeros(32);
  EXPECT_ERROR_HAS(overflow_bytes.bytes, "tensor 't'");
  auto negative = RawGguf().header(1, 0).tensor("t", {4, -1}, 0, 0).pad(32).zeros(32);
  EXPECT_ERROR_HAS(negative.bytes, "dimension -1");
  auto zero = RawGguf().header(1, 0).tensor("t", {0}, 0, 0).pad(32).zeros(32);
  EXPECT_ERROR_HAS(zero.bytes, "dimension 0");
  auto partial_block = RawGguf().header(1, 0).tensor("t", {48}, 2, 0).pad(32).zeros(64);
  EXPECT_ERROR_HAS(partial_block.bytes, "not a multiple of the Q4_0 block size 32");
}

TEST(GgufCorrupt, UnknownTensorTypeIsNamed) {
  auto r = RawGguf().header(1, 0).tensor("blk.0.ffn_up.weight", {32}, 4, 0).pad(32).zeros(64);
  EXPECT_ERROR_HAS(r.bytes, "tensor 'blk.0.ffn_up.weight' has unknown tensor type 4");
  auto r2 = RawGguf().header(1, 0).tensor("x", {32}, 0xdeadbeef, 0).pad(32).zeros(64);
  EXPECT_ERROR_HAS(r2.bytes, "unknown tensor type 3735928559");
}

TEST(GgufCorrupt, LongAndUnprintableNames) {
  const std::string long_name(100, 'n');
  auto r = RawGguf().header(1, 0).tensor(long_name, {4}, 0, 0).pad(32).zeros(32);
  EXPECT_ERROR_HAS(r.bytes, "longer than 63");
  auto dup = RawGguf().header(0, 2).kv_u32("a\nb", 1).kv_u32("a\nb", 1).bytes;
  EXPECT_ERROR_HAS(dup, "'a?b'");
}

} // namespace
} // namespace llmhost::gguf
