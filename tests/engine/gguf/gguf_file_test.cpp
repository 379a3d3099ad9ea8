// GGUF reader on a real model (stories260K, as llama.cpp ships it) and writer -> reader round
// trips of every metadata value type, nested arrays and tensor data.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/gguf/gguf_file.hpp"
#include "engine/gguf/gguf_writer.hpp"
#include "testdata.hpp"

namespace llmhost::gguf {
namespace {

TEST(GgufRealModel, Stories260KMetadata) {
  LLMHOST_REQUIRE_TESTDATA();
  auto file = File::open(llmhost::testing::testdata("stories260K.gguf"));
  ASSERT_TRUE(file.ok()) << file.status().message;
  const File& f = **file;
  EXPECT_GE(f.version(), 2u);
  EXPECT_EQ(f.architecture(), "llama");
  EXPECT_EQ(f.get_u64("llama.block_count"), 5u);
  EXPECT_EQ(f.get_u64("llama.embedding_length"), 64u);
  EXPECT_EQ(f.get_u64("llama.attention.head_count"), 8u);
  EXPECT_EQ(f.get_u64("llama.attention.head_count_kv"), 4u);
  EXPECT_EQ(f.get_u64("llama.feed_forward_length"), 172u);
  EXPECT_EQ(f.get_u64("llama.context_length"), 2048u);
  EXPECT_EQ(f.get_string("tokenizer.ggml.model"), "llama");
  const Array* tokens = f.get_array("tokenizer.ggml.tokens");
  ASSERT_NE(tokens, nullptr);
  EXPECT_EQ(tokens->type, ValueType::string);
  EXPECT_EQ(tokens->items.size(), 512u);
  const Array* scores = f.get_array("tokenizer.ggml.scores");
  ASSERT_NE(scores, nullptr);
  EXPECT_EQ(scores->type, ValueType::f32);
  EXPECT_EQ(scores->items.size(), 512u);
  EXPECT_TRUE(f.get_f64("llama.attention.layer_norm_rms_epsilon").has_value());
  EXPECT_EQ(f.get_string("no.such.key"), std::nullopt);
  EXPECT_EQ(f.get_u64("tokenizer.ggml.model"), std::nullopt); // wrong kind
}

TEST(GgufRealModel, Stories260KTensors) {
  LLMHOST_REQUIRE_TESTDATA();
  auto file = File::open(llmhost::testing::testdata("stories260K.gguf"));
  ASSERT_TRUE(file.ok()) << file.status().message;
  const File& f = **file;
  auto expect_shape = [&](const std::string& name, int64_t ne0, int64_t ne1) {
    const TensorInfo* t = f.find_tensor(name);
    ASSERT_NE(t, nullptr) << name;
    EXPECT_EQ(t->desc.type, TensorType::F32) << name;
    EXPECT_EQ(t->desc.ne[0], ne0) << name;
    EXPECT_EQ(t->desc.ne[1], ne1) << name;
    EXPECT_EQ(t->data.size(), t->desc.bytes()) << name;
    EXPECT_EQ(t->offset % f.alignment(), 0u) << name;
  };
  expect_shape("token_embd.weight", 64, 512);
  expect_shape("output_norm.weight", 64, 1);
  for (int l = 0; l < 5; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    expect_shape(b + "attn_norm.weight", 64, 1);
    expect_shape(b + "attn_q.weight", 64, 64);
    expect_shape(b + "attn_k.weight", 64, 32);
    expect_shape(b + "attn_v.weight", 64, 32);
    expect_shape(b + "attn_output.weight", 64, 64);
    expect_shape(b + "ffn_gate.weight", 64, 172);
    expect_shape(b + "ffn_up.weight", 64, 172);
    expect_shape(b + "ffn_down.weight", 172, 64);
  }
  // Real weights: finite and not all zero.
  const TensorInfo* emb = f.find_tensor("token_embd.weight");
  std::vector<float> v(emb->data.size() / 4);
  std::memcpy(v.data(), emb->data.data(), emb->data.size());
  double sum_sq = 0;
  for (float x : v) {
    ASSERT_TRUE(std::isfinite(x));
    sum_sq += x * x;
  }
  EXPECT_GT(sum_sq, 0.0);
}

TEST(GgufOpen, MissingFileErrorNamesFileButNotItsDirectory) {
  const auto path = std::filesystem::temp_directory_path() / "llmhost-no-such-dir" / "missing.gguf";
  auto file = File::open(path);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message.find("missing.gguf"), std::string::npos);
  EXPECT_EQ(file.status().message.find("llmhost-no-such-dir"), std::string::npos);
}

TEST(GgufOpen, DirectoryAndEmptyFileAreRefused) {
  EXPECT_FALSE(File::open(std::filesystem::temp_directory_path()).ok());
  const auto empty = std::filesystem::temp_directory_path() / "llmhost-gguf-empty.gguf";
  { std::ofstream(empty.string()); }
  auto file = File::open(empty);
  EXPECT_FALSE(file.ok());
  std::filesystem::remove(empty);
}

OwnedValue nested() {
  // [[1, 2], [3], []] of i16, and [["a"], ["b", "c"]] of strings, wrapped once more.
  auto i16s = [](std::initializer_list<int16_t> xs) {
    std::vector<OwnedValue> items;
    for (int16_t x : xs) items.push_back(OwnedValue::i16(x));
    return OwnedValue::array(ValueType::i16, std::move(items));
  };
  auto inner = OwnedValue::array(ValueType::array, {i16s({1, 2}), i16s({3}), i16s({})});
  return OwnedValue::array(ValueType::array, {inner, inner});
}

TEST(GgufRoundTrip, EveryValueTypeAndNestedArrays) {
  Writer w;
  w.set("t.u8", OwnedValue::u8(250));
  w.set("t.i8", OwnedValue::i8(-120));
  w.set("t.u16", OwnedValue::u16(65000));
  w.set("t.i16", OwnedValue::i16(-32000));
  w.set("t.u32", OwnedValue::u32(4000000000u));
  w.set("t.i32", OwnedValue::i32(-2000000000));
  w.set("t.u64", OwnedValue::u64(0xfedcba9876543210ull));
  w.set("t.i64", OwnedValue::i64(-0x123456789abcdefll));
  w.set("t.f32", OwnedValue::f32(1.5f));
  w.set("t.f64", OwnedValue::f64(-2.25e300));
  w.set("t.bool", OwnedValue::boolean(true));
  w.set("t.string", OwnedValue::string(std::string("h\xc3\xa9llo\0x", 8)));
  const std::vector<std::string> strs = {"a", "", "ccc"};
  w.set("t.strings", OwnedValue::strings(strs));
  const std::vector<float> fs = {0.5f, -1.0f};
  w.set("t.f32s", OwnedValue::f32s(fs));
  w.set("t.nested", nested());
  w.set("t.empty", OwnedValue::array(ValueType::u64, {}));
  w.set("t.u32", OwnedValue::u32(7)); // replaces in place
  auto bytes = w.to_bytes();
  ASSERT_TRUE(bytes.ok()) << bytes.status().message;
  auto file = File::parse(*bytes);
  ASSERT_TRUE(file.ok()) << file.status().message;
  const File& f = **file;
  EXPECT_EQ(f.version(), 3u);
  ASSERT_EQ(f.metadata().size(), 16u);
  EXPECT_EQ(f.metadata()[4].first, "t.u32");
  EXPECT_EQ(f.find("t.u8")->type, ValueType::u8);
  EXPECT_EQ(f.get_u64("t.u8"), 250u);
  EXPECT_EQ(f.get_i64("t.i8"), -120);
  EXPECT_EQ(f.get_u64("t.u16"), 65000u);
  EXPECT_EQ(f.get_i64("t.i16"), -32000);
  EXPECT_EQ(f.get_u64("t.u32"), 7u);
  EXPECT_EQ(f.find("t.u32")->type, ValueType::u32);
  EXPECT_EQ(f.get_i64("t.i32"), -2000000000);
  EXPECT_EQ(f.get_u64("t.u64"), 0xfedcba9876543210ull);
  EXPECT_EQ(f.get_i64("t.u64"), std::nullopt); // does not fit
  EXPECT_EQ(f.get_i64("t.i64"), -0x123456789abcdefll);
  EXPECT_EQ(f.get_u64("t.i64"), std::nullopt);
  EXPECT_EQ(f.get_f64("t.f32"), 1.5);
  EXPECT_EQ(f.get_f64("t.f64"), -2.25e300);
  EXPECT_EQ(f.get_bool("t.bool"), true);
  EXPECT_EQ(f.get_string("t.string"), std::string_view("h\xc3\xa9llo\0x", 8));
  const Array* s = f.get_array("t.strings");
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->items.size(), 3u);
  EXPECT_EQ(s->items[1].as_string(), "");
  EXPECT_EQ(s->items[2].as_string(), "ccc");
  const Array* fa = f.get_array("t.f32s");
  ASSERT_EQ(fa->items.size(), 2u);
  EXPECT_EQ(fa->items[1].as_f64(), -1.0);
  const Array* n = f.get_array("t.nested");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->type, ValueType::array);
  ASSERT_EQ(n->items.size(), 2u);
  const Array* in = n->items[1].as_array();
  ASSERT_NE(in, nullptr);
  ASSERT_EQ(in->items.size(), 3u);
  const Array* leaf = in->items[0].as_array();
  ASSERT_EQ(leaf->type, ValueType::i16);
  ASSERT_EQ(leaf->items.size(), 2u);
  EXPECT_EQ(leaf->items[1].as_i64(), 2);
  EXPECT_TRUE(in->items[2].as_array()->items.empty());
  EXPECT_TRUE(f.get_array("t.empty")->items.empty());
  EXPECT_EQ(f.get_array("t.empty")->type, ValueType::u64);

  // copy_of a read value and write it again: identical bytes.
  Writer w2;
  for (const auto& [k, v] : f.metadata()) w2.set(std::string(k), OwnedValue::copy_of(v));
  auto bytes2 = w2.to_bytes();
  ASSERT_TRUE(bytes2.ok());
  EXPECT_EQ(*bytes2, *bytes);
}

TEST(GgufRoundTrip, TensorsAlignedWithDataIntact) {
  Writer w;
  std::vector<std::byte> a(4 * 5);
  for (size_t i = 0; i < a.size(); ++i) a[i] = std::byte(i);
  ASSERT_TRUE(w.add_tensor("a", TensorDesc{TensorType::F32, {5, 1, 1, 1}}, a).ok());
  ASSERT_TRUE(w.add_tensor("b", TensorDesc{TensorType::Q8_0, {64, 3, 2, 1}}).ok());
  ASSERT_TRUE(w.add_tensor("c", TensorDesc{TensorType::F16, {3, 1, 1, 1}}).ok());
  EXPECT_FALSE(w.add_tensor("a", TensorDesc{TensorType::F32, {1, 1, 1, 1}}).ok());
  EXPECT_FALSE(w.add_tensor("d", TensorDesc{TensorType::Q4_0, {33, 1, 1, 1}}).ok());
  EXPECT_FALSE(w.add_tensor("e", TensorDesc{TensorType::F32, {2, 1, 1, 1}}, a).ok());
  auto fill = [](size_t index, std::span<std::byte> out) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = std::byte((i * 7 + index) & 0xff);
    return Status::success();
  };
  const auto path = std::filesystem::temp_directory_path() / "llmhost-gguf-roundtrip.gguf";
  ASSERT_TRUE(w.write(path, fill).ok());
  auto file = File::open(path);
  ASSERT_TRUE(file.ok()) << file.status().message;
  const File& f = **file;
  ASSERT_EQ(f.tensors().size(), 3u);
  EXPECT_EQ(f.alignment(), 32u);
  const TensorInfo* b = f.find_tensor("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->n_dims, 3u);
  EXPECT_EQ(b->desc.ne, (std::array<int64_t, 4>{64, 3, 2, 1}));
  EXPECT_EQ(b->data.size(), 2u * 34 * 6);
  for (size_t i = 0; i < b->data.size(); ++i) ASSERT_EQ(b->data[i], std::byte((i * 7 + 1) & 0xff));
  const TensorInfo* ta = f.find_tensor("a");
  EXPECT_TRUE(std::equal(a.begin(), a.end(), ta->data.begin(), ta->data.end()));
  for (const auto& t : f.tensors())
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data.data()) % 32, 0u) << t.name;
  EXPECT_EQ(f.find_tensor("c")->data.size(), 6u);
  std::filesystem::remove(path);
}

TEST(GgufRoundTrip, CustomAlignmentIsRecorded) {
  Writer w(64);
  ASSERT_TRUE(w.add_tensor("x", TensorDesc{TensorType::F32, {3, 1, 1, 1}},
                           std::vector<std::byte>(12)).ok());
  ASSERT_TRUE(w.add_tensor("y", TensorDesc{TensorType::F32, {3, 1, 1, 1}},
                           std::vector<std::byte>(12)).ok());
  auto bytes = w.to_bytes();
  ASSERT_TRUE(bytes.ok());
  auto f = File::parse(*bytes);
  ASSERT_TRUE(f.ok()) << f.status().message;
  EXPECT_EQ((*f)->alignment(), 64u);
  EXPECT_EQ((*f)->find_tensor("y")->offset, 64u);
}

TEST(GgufRoundTrip, WriterRefusesMistypedValuesAndMissingFiller) {
  Writer w;
  w.set("bad", OwnedValue{ValueType::u32, std::string("x")});
  EXPECT_FALSE(w.to_bytes().ok());
  Writer w2;
  ASSERT_TRUE(w2.add_tensor("t", TensorDesc{TensorType::F32, {4, 1, 1, 1}}).ok());
  EXPECT_FALSE(w2.to_bytes().ok());
}

} // namespace
} // namespace llmhost::gguf
