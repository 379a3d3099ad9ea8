// Writes a few small, valid GGUF files as the fuzzer's seed corpus: usage make_seeds DIR.
#include <cstdio>
#include <filesystem>
#include <string>

#include "engine/gguf/gguf_writer.hpp"

using namespace llmhost;
using namespace llmhost::gguf;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  auto fill = [](size_t index, std::span<std::byte> out) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = std::byte((i + index) & 0xff);
    return Status::success();
  };
  int failures = 0;
  auto save = [&](const Writer& w, const std::string& name) {
    if (auto st = w.write(dir / name, fill); !st) {
      std::fprintf(stderr, "%s\n", st.message.c_str());
      ++failures;
    }
  };

  Writer values;
  values.set("u8", OwnedValue::u8(1));
  values.set("i8", OwnedValue::i8(-1));
  values.set("u16", OwnedValue::u16(2));
  values.set("i16", OwnedValue::i16(-2));
  values.set("u32", OwnedValue::u32(3));
  values.set("i32", OwnedValue::i32(-3));
  values.set("u64", OwnedValue::u64(4));
  values.set("i64", OwnedValue::i64(-4));
  values.set("f32", OwnedValue::f32(0.5f));
  values.set("f64", OwnedValue::f64(0.25));
  values.set("bool", OwnedValue::boolean(true));
  values.set("str", OwnedValue::string("text"));
  values.set("nested", OwnedValue::array(ValueType::array,
                                         {OwnedValue::array(ValueType::string,
                                                            {OwnedValue::string("a")})}));
  save(values, "values.gguf");

  Writer model;
  model.set_string("general.architecture", "llama");
  model.set_u32("llama.block_count", 1);
  for (auto [name, type, ne0, ne1] :
       {std::tuple{"token_embd.weight", TensorType::Q4_0, 32, 4},
        std::tuple{"output_norm.weight", TensorType::F32, 8, 1},
        std::tuple{"blk.0.attn_q.weight", TensorType::Q4_K, 256, 1},
        std::tuple{"blk.0.ffn_down.weight", TensorType::Q6_K, 256, 1},
        std::tuple{"blk.0.ffn_up.weight", TensorType::F16, 4, 2}}) {
    if (!model.add_tensor(name, TensorDesc{type, {ne0, ne1, 1, 1}}).ok()) ++failures;
  }
  save(model, "model.gguf");

  Writer aligned(64);
  if (!aligned.add_tensor("t", TensorDesc{TensorType::Q8_0, {32, 2, 1, 1}}).ok()) ++failures;
  save(aligned, "aligned64.gguf");
  return failures == 0 ? 0 : 1;
}
