// Every non-matrix op against straightforward reference code on random inputs.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "cpu_test_util.hpp"

namespace llmhost::cpu::test {
namespace {

constexpr int64_t kWidth = 96, kRows = 5;

std::vector<float> run_unary(OpKind op, const std::vector<float>& x, std::array<float, 4> fp = {},
                             Isa isa = default_isa()) {
  Runner r(isa);
  Graph g;
  const TensorId in = g.input_f32("x", x, {kWidth, kRows, 1, 1});
  const TensorId out = g.op(op, f32_desc({kWidth, kRows, 1, 1}), {in}, fp);
  return r.run(g, out);
}

TEST(Ops, RmsNormAndLayerNorm) {
  std::mt19937 rng(1);
  const auto x = random_floats(rng, kWidth * kRows, -3, 3);
  const float eps = 1e-5f;
  const auto rms = run_unary(OpKind::rms_norm, x, {eps});
  const auto ln = run_unary(OpKind::layer_norm, x, {eps});
  std::vector<float> want_rms(x.size()), want_ln(x.size());
  for (int64_t r = 0; r < kRows; ++r) {
    double sq = 0, mean = 0, var = 0;
    for (int64_t i = 0; i < kWidth; ++i) sq += double(x[r * kWidth + i]) * x[r * kWidth + i], mean += x[r * kWidth + i];
    mean /= kWidth;
    for (int64_t i = 0; i < kWidth; ++i) var += (x[r * kWidth + i] - mean) * (x[r * kWidth + i] - mean);
    var /= kWidth;
    for (int64_t i = 0; i < kWidth; ++i) {
      want_rms[r * kWidth + i] = float(x[r * kWidth + i] / std::sqrt(sq / kWidth + eps));
      want_ln[r * kWidth + i] = float((x[r * kWidth + i] - mean) / std::sqrt(var + eps));
    }
  }
  expect_near_all(rms, want_rms, 1e-5f, 1e-5f, "rms_norm");
  expect_near_all(ln, want_ln, 1e-5f, 1e-5f, "layer_norm");
}

TEST(Ops, ActivationsAndScale) {
  std::mt19937 rng(2);
  const auto x = random_floats(rng, kWidth * kRows, -6, 6);
  std::vector<float> silu(x.size()), gelu(x.size()), scaled(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    silu[i] = float(v / (1 + std::exp(-v)));
    gelu[i] = float(0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v))));
    scaled[i] = float(v * -0.37);
  }
  expect_near_all(run_unary(OpKind::silu, x), silu, 1e-6f, 1e-5f, "silu");
  expect_near_all(run_unary(OpKind::gelu, x), gelu, 1e-6f, 1e-5f, "gelu");
  expect_near_all(run_unary(OpKind::scale, x, {-0.37f}), scaled, 1e-6f, 1e-6f, "scale");
}

TEST(Ops, SiluAndSwigluOnEveryPathIncludingExtremes) {
  std::mt19937 rng(22);
  auto x = random_floats(rng, kWidth * kRows, -12, 12);
  const auto up = random_floats(rng, kWidth * kRows);
  x[0] = -100.0f, x[1] = 100.0f, x[2] = 0.0f, x[3] = -87.5f, x[4] = 89.0f;
  std::vector<float> silu(x.size()), swiglu(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    silu[i] = float(x[i] / (1 + std::exp(-double(x[i]))));
    swiglu[i] = silu[i] * up[i];
  }
  for (Isa isa : available_isas()) {
    expect_near_all(run_unary(OpKind::silu, x, {}, isa), silu, 1e-6f, 2e-6f, "silu " + std::string(isa_name(isa)));
    Runner r(isa);
    Graph g;
    const TensorId a = g.input_f32("g", x, {kWidth, kRows, 1, 1});
    const TensorId b = g.input_f32("u", up, {kWidth, kRows, 1, 1});
    expect_near_all(r.run(g, g.op(OpKind::swiglu, f32_desc({kWidth, kRows, 1, 1}), {a, b})), swiglu, 1e-6f, 2e-6f,
                    "swiglu " + std::string(isa_name(isa)));
  }
}

TEST(Ops, SoftmaxWithScale) {
  std::mt19937 rng(3);
  const auto x = random_floats(rng, kWidth * kRows, -10, 10);
  for (float scale : {0.0f, 0.5f}) {
    const auto got = run_unary(OpKind::softmax, x, {scale});
    const double s = scale == 0.0f ? 1.0 : scale;
    std::vector<float> want(x.size());
    for (int64_t r = 0; r < kRows; ++r) {
      double max = -1e30, sum = 0;
      for (int64_t i = 0; i < kWidth; ++i) max = std::max(max, s * x[r * kWidth + i]);
      for (int64_t i = 0; i < kWidth; ++i) sum += std::exp(s * x[r * kWidth + i] - max);
      for (int64_t i = 0; i < kWidth; ++i) want[r * kWidth + i] = float(std::exp(s * x[r * kWidth + i] - max) / sum);
    }
    expect_near_all(got, want, 1e-7f, 1e-5f, "softmax");
  }
}

TEST(Ops, AddMulWithAndWithoutBroadcast) {
  std::mt19937 rng(4);
  const auto x = random_floats(rng, kWidth * kRows);
  const auto y = random_floats(rng, kWidth * kRows);
  const auto row = random_floats(rng, kWidth);
  for (OpKind op : {OpKind::add, OpKind::mul}) {
    for (bool broadcast : {false, true}) {
      Runner r;
      Graph g;
      const TensorId a = g.input_f32("a", x, {kWidth, kRows, 1, 1});
      const TensorId b = broadcast ? g.input_f32("b", row, {kWidth, 1, 1, 1}) : g.input_f32("b", y, {kWidth, kRows, 1, 1});
      const auto got = r.run(g, g.op(op, f32_desc({kWidth, kRows, 1, 1}), {a, b}));
      std::vector<float> want(x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        const float bv = broadcast ? row[i % kWidth] : y[i];
        want[i] = op == OpKind::add ? x[i] + bv : x[i] * bv;
      }
      expect_near_all(got, want, 0, 0, std::string(op_name(op)) + (broadcast ? " broadcast" : ""));
    }
  }
}

TEST(Ops, AddWithF32WeightOperand) {
  // A bias uploaded as a weight is a valid add operand.
  Runner r;
  std::mt19937 rng(5);
  const auto x = random_floats(rng, kWidth * 3);
  const auto bias = random_floats(rng, kWidth);
  auto buf = r.weight(f32_desc({kWidth, 1, 1, 1}), std::vector<std::byte>(reinterpret_cast<const std::byte*>(bias.data()),
                                                                          reinterpret_cast<const std::byte*>(bias.data()) + kWidth * 4));
  Graph g;
  const TensorId a = g.input_f32("x", x, {kWidth, 3, 1, 1});
  const TensorId b = g.bind("bias", f32_desc({kWidth, 1, 1, 1}), *buf);
  const auto got = r.run(g, g.op(OpKind::add, f32_desc({kWidth, 3, 1, 1}), {a, b}));
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], x[i] + bias[i % kWidth]);
}

TEST(Ops, Swiglu) {
  std::mt19937 rng(6);
  const auto gate = random_floats(rng, kWidth * kRows, -4, 4);
  const auto up = random_floats(rng, kWidth * kRows);
  Runner r;
  Graph g;
  const TensorId a = g.input_f32("g", gate, {kWidth, kRows, 1, 1});
  const TensorId b = g.input_f32("u", up, {kWidth, kRows, 1, 1});
  const auto got = r.run(g, g.op(OpKind::swiglu, f32_desc({kWidth, kRows, 1, 1}), {a, b}));
  std::vector<float> want(gate.size());
  for (size_t i = 0; i < gate.size(); ++i) want[i] = float(gate[i] / (1 + std::exp(-double(gate[i]))) * up[i]);
  expect_near_all(got, want, 1e-6f, 1e-5f, "swiglu");
}

// Reference rope straight from the op's definition.
std::vector<float> reference_rope(const std::vector<float>& x, int64_t head_dim, int64_t heads, const std::vector<int32_t>& pos,
                                  int n_dims, int mode, float base, float fscale, const std::vector<float>& factors) {
  std::vector<float> out = x;
  for (size_t t = 0; t < pos.size(); ++t)
    for (int64_t h = 0; h < heads; ++h) {
      const size_t off = (t * heads + h) * head_dim;
      for (int i = 0; i < n_dims / 2; ++i) {
        double theta = pos[t] * double(fscale) * std::pow(double(base), -2.0 * i / n_dims);
        if (!factors.empty()) theta /= factors[i];
        const size_t i0 = off + (mode == 2 ? i : 2 * i), i1 = i0 + (mode == 2 ? n_dims / 2 : 1);
        out[i0] = float(x[i0] * std::cos(theta) - x[i1] * std::sin(theta));
        out[i1] = float(x[i0] * std::sin(theta) + x[i1] * std::cos(theta));
      }
    }
  return out;
}

TEST(Ops, RopeNormalNeoxPartialAndFactors) {
  std::mt19937 rng(7);
  const int64_t head_dim = 16, heads = 3;
  const std::vector<int32_t> pos = {0, 1, 7, 33, 250};
  const auto x = random_floats(rng, head_dim * heads * pos.size());
  const auto factors = random_floats(rng, 6, 1.0f, 8.0f);
  struct Case { int n_dims, mode; float base, fscale; bool with_factors; };
  for (const Case c : {Case{16, 0, 10000, 1, false}, Case{16, 2, 10000, 1, false}, Case{12, 0, 500000, 0.5f, true},
                       Case{12, 2, 1e6f, 1, true}}) {
    Runner r;
    Graph g;
    const TensorId in = g.input_f32("x", x, {head_dim, heads, int64_t(pos.size()), 1});
    const TensorId p = g.input_i32("pos", pos);
    TensorId f = kNoTensor;
    if (c.with_factors) f = g.input_f32("freqs", std::span(factors).first(size_t(c.n_dims / 2)), {c.n_dims / 2, 1, 1, 1});
    const TensorId out = g.op(OpKind::rope, f32_desc({head_dim, heads, int64_t(pos.size()), 1}), {in, p, f},
                              {c.base, c.fscale}, {c.n_dims, c.mode});
    const auto got = r.run(g, out);
    const auto want = reference_rope(x, head_dim, heads, pos, c.n_dims, c.mode, c.base, c.fscale,
                                     c.with_factors ? std::vector<float>(factors.begin(), factors.begin() + c.n_dims / 2)
                                                    : std::vector<float>{});
    expect_near_all(got, want, 2e-5f, 1e-4f, "rope mode " + std::to_string(c.mode) + " n_dims " + std::to_string(c.n_dims));
  }
}

TEST(Ops, GetRowsEveryTypeMatchesReferenceDequantization) {
  std::mt19937 rng(8);
  for (TensorType type : {TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0, TensorType::Q4_0,
                          TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::Q4_K, TensorType::Q5_K,
                          TensorType::Q6_K}) {
    const int64_t k = 512, vocab = 9;
    const auto bytes = random_weight(rng, type, k, vocab);
    Runner r;
    const TensorDesc desc{type, {k, vocab, 1, 1}};
    auto buf = r.weight(desc, bytes);
    const std::vector<int32_t> ids = {3, 0, 8, 3};
    Graph g;
    const TensorId table = g.bind("emb", desc, *buf);
    const TensorId idt = g.input_i32("ids", ids);
    const auto got = r.run(g, g.op(OpKind::get_rows, f32_desc({k, int64_t(ids.size()), 1, 1}), {table, idt}));
    const auto all = reference_dequant(type, bytes.data(), k, vocab);
    std::vector<float> want;
    for (int32_t id : ids) want.insert(want.end(), all.begin() + id * k, all.begin() + (id + 1) * k);
    expect_near_all(got, want, 0, 1e-6f, "get_rows " + std::string(type_name(type)));
  }
}

TEST(Ops, GetRowsRejectsOutOfRangeIds) {
  Runner r;
  std::mt19937 rng(9);
  const TensorDesc desc{TensorType::Q8_0, {64, 4, 1, 1}};
  auto buf = r.weight(desc, random_weight(rng, TensorType::Q8_0, 64, 4));
  const std::vector<int32_t> ids = {1, 4};
  Graph g;
  const TensorId out = g.op(OpKind::get_rows, f32_desc({64, 2, 1, 1}), {g.bind("emb", desc, *buf), g.input_i32("ids", ids)});
  g.mark_output(out);
  const Status s = r.context.compute(g);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message.find("out of range"), std::string::npos) << s.message;
}

TEST(Ops, ReshapeAliasesWithoutCopy) {
  Runner r;
  std::mt19937 rng(10);
  const auto x = random_floats(rng, 64);
  Graph g;
  const TensorId in = g.input_f32("x", x, {16, 4, 1, 1});
  const TensorId s = g.op(OpKind::scale, f32_desc({16, 4, 1, 1}), {in}, {2.0f});
  const TensorId view = g.op(OpKind::reshape, f32_desc({8, 2, 4, 1}), {s});
  const TensorId out = g.op(OpKind::scale, f32_desc({8, 2, 4, 1}), {view}, {0.5f});
  const auto got = r.run(g, out);
  expect_near_all(got, x, 0, 0, "reshape round trip");

  Graph bad;
  const TensorId b = bad.input_f32("x", x, {16, 4, 1, 1});
  bad.op(OpKind::reshape, f32_desc({8, 4, 1, 1}), {b});
  EXPECT_FALSE(r.context.compute(bad).ok());
}

} // namespace
} // namespace llmhost::cpu::test
