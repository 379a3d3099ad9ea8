// add, mul, scale, silu, gelu, swiglu and softmax on F32 rows.
#include <algorithm>
#include <cmath>
#include <string>

#include "ops/ops.hpp"
#include "ops/parallel.hpp"

namespace llmhost::cpu {

Status op_error(const OpArgs& a, const std::string& what) {
  return Status::error(ErrorCode::invalid_request, std::string(op_name(a.node.op)) + ": " + what);
}

bool is_f32(const TensorRef& t) { return t.present() && t.desc->type == TensorType::F32; }

bool same_shape(const TensorDesc& x, const TensorDesc& y) { return x.ne == y.ne; }

namespace {

// src0 and dst F32 of one shape; src1 the same shape or one row broadcast over all rows.
template <typename Fn>
Status binary(const OpArgs& a, Fn&& fn) {
  const TensorRef &x = a.src[0], &y = a.src[1];
  if (!is_f32(x) || !is_f32(y) || !is_f32(a.dst)) return op_error(a, "operands must be F32");
  if (!same_shape(*x.desc, *a.dst.desc)) return op_error(a, "dst shape differs from src0");
  const int64_t width = x.desc->ne[0], rows = x.desc->rows();
  const bool broadcast = y.desc->elements() == width && y.desc->ne[0] == width;
  if (!broadcast && !same_shape(*x.desc, *y.desc)) return op_error(a, "src1 must match src0 or be one row");
  parallel_rows(a.env.pool, rows, width, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x.f32() + r * width;
      const float* yr = y.f32() + (broadcast ? 0 : r * width);
      float* dr = a.dst.f32() + r * width;
      for (int64_t i = 0; i < width; ++i) dr[i] = fn(xr[i], yr[i]);
    }
  });
  return Status::success();
}

template <typename Fn>
Status unary(const OpArgs& a, Fn&& fn) {
  const TensorRef& x = a.src[0];
  if (!is_f32(x) || !is_f32(a.dst)) return op_error(a, "operands must be F32");
  if (x.desc->elements() != a.dst.desc->elements()) return op_error(a, "dst size differs from src0");
  const int64_t width = x.desc->ne[0];
  parallel_rows(a.env.pool, x.desc->rows(), width, [&](int64_t r0, int64_t r1) {
    const float* xs = x.f32() + r0 * width;
    float* ds = a.dst.f32() + r0 * width;
    for (int64_t i = 0; i < (r1 - r0) * width; ++i) ds[i] = fn(xs[i]);
  });
  return Status::success();
}

inline float gelu_tanh(float v) {
  constexpr float kSqrt2OverPi = 0.79788456080286535588f;
  return 0.5f * v * (1.0f + std::tanh(kSqrt2OverPi * v * (1.0f + 0.044715f * v * v)));
}

} // namespace

Status run_add(const OpArgs& a) { return binary(a, [](float x, float y) { return x + y; }); }
Status run_mul(const OpArgs& a) { return binary(a, [](float x, float y) { return x * y; }); }

Status run_scale(const OpArgs& a) {
  const float s = a.node.fparams[0];
  return unary(a, [s](float v) { return v * s; });
}

Status run_silu(const OpArgs& a) {
  const TensorRef& x = a.src[0];
  if (!is_f32(x) || !is_f32(a.dst)) return op_error(a, "operands must be F32");
  if (x.desc->elements() != a.dst.desc->elements()) return op_error(a, "dst size differs from src0");
  const int64_t width = x.desc->ne[0];
  parallel_rows(a.env.pool, x.desc->rows(), width, [&](int64_t r0, int64_t r1) {
    a.env.kernels.silu_mul(x.f32() + r0 * width, nullptr, a.dst.f32() + r0 * width, (r1 - r0) * width);
  });
  return Status::success();
}
Status run_gelu(const OpArgs& a) { return unary(a, gelu_tanh); }

Status run_swiglu(const OpArgs& a) {
  const TensorRef &g = a.src[0], &u = a.src[1];
  if (!is_f32(g) || !is_f32(u) || !is_f32(a.dst)) return op_error(a, "operands must be F32");
  if (!same_shape(*g.desc, *u.desc) || g.desc->elements() != a.dst.desc->elements())
    return op_error(a, "src0, src1 and dst must have one shape");
  const int64_t width = g.desc->ne[0];
  parallel_rows(a.env.pool, g.desc->rows(), width, [&](int64_t r0, int64_t r1) {
    a.env.kernels.silu_mul(g.f32() + r0 * width, u.f32() + r0 * width, a.dst.f32() + r0 * width, (r1 - r0) * width);
  });
  return Status::success();
}

Status run_softmax(const OpArgs& a) {
  const TensorRef& x = a.src[0];
  if (!is_f32(x) || !is_f32(a.dst)) return op_error(a, "operands must be F32");
  if (!same_shape(*x.desc, *a.dst.desc)) return op_error(a, "dst shape differs from src0");
  const float scale = a.node.fparams[0] != 0.0f ? a.node.fparams[0] : 1.0f;
  const int64_t width = x.desc->ne[0];
  parallel_rows(a.env.pool, x.desc->rows(), width, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x.f32() + r * width;
      float* dr = a.dst.f32() + r * width;
      float max = -INFINITY;
      for (int64_t i = 0; i < width; ++i) max = std::max(max, xr[i] * scale);
      double sum = 0;
      for (int64_t i = 0; i < width; ++i) {
        dr[i] = std::exp(xr[i] * scale - max);
        sum += dr[i];
      }
      const float inv = sum > 0 ? static_cast<float>(1.0 / sum) : 0.0f;
      for (int64_t i = 0; i < width; ++i) dr[i] *= inv;
    }
  });
  return Status::success();
}

} // namespace llmhost::cpu
