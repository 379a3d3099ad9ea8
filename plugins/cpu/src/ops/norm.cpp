// rms_norm and layer_norm over rows of ne[0] elements (no affine part).
#include <cmath>

#include "ops/ops.hpp"
#include "ops/parallel.hpp"

namespace llmhost::cpu {
namespace {

template <bool kCentre>
Status normalise(const OpArgs& a) {
  const TensorRef& x = a.src[0];
  if (!is_f32(x) || !is_f32(a.dst)) return op_error(a, "operands must be F32");
  if (!same_shape(*x.desc, *a.dst.desc)) return op_error(a, "dst shape differs from src0");
  const float eps = a.node.fparams[0];
  const int64_t width = x.desc->ne[0];
  if (width <= 0) return op_error(a, "empty rows");
  parallel_rows(a.env.pool, x.desc->rows(), width, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x.f32() + r * width;
      float* dr = a.dst.f32() + r * width;
      double mean = 0;
      if constexpr (kCentre) {
        for (int64_t i = 0; i < width; ++i) mean += xr[i];
        mean /= static_cast<double>(width);
      }
      double sq = 0;
      for (int64_t i = 0; i < width; ++i) {
        const double c = xr[i] - mean;
        sq += c * c;
      }
      const float inv = static_cast<float>(1.0 / std::sqrt(sq / static_cast<double>(width) + eps));
      const auto m = static_cast<float>(mean);
      for (int64_t i = 0; i < width; ++i) dr[i] = (xr[i] - m) * inv;
    }
  });
  return Status::success();
}

} // namespace

Status run_rms_norm(const OpArgs& a) { return normalise<false>(a); }
Status run_layer_norm(const OpArgs& a) { return normalise<true>(a); }

} // namespace llmhost::cpu
