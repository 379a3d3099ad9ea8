// get_rows: dequantizes the table rows a batch's token ids select (embedding lookup).
#include "ops/ops.hpp"
#include "ops/parallel.hpp"

namespace llmhost::cpu {

Status run_get_rows(const OpArgs& a) {
  const TensorRef &table = a.src[0], &ids = a.src[1];
  if (!table.present() || !is_f32(a.dst)) return op_error(a, "missing table or dst not F32");
  if (!ids.present() || ids.desc->type != TensorType::I32) return op_error(a, "src1 must be I32 ids");
  const int64_t width = table.desc->ne[0], n_rows = table.desc->rows(), m = ids.desc->elements();
  const auto row_size = row_bytes(table.desc->type, width);
  if (!row_size) return op_error(a, "table row is not a whole number of blocks");
  if (a.dst.desc->ne[0] != width || a.dst.desc->rows() != m) return op_error(a, "dst must be [K, M]");
  for (int64_t r = 0; r < m; ++r)
    if (ids.i32()[r] < 0 || ids.i32()[r] >= n_rows) return op_error(a, "row id out of range");
  bool ok = true;
  for (int64_t r = 0; r < m; ++r) {
    const std::byte* src = table.data + static_cast<size_t>(ids.i32()[r]) * *row_size;
    ok = ok && dequantize_row_cpu(table.desc->type, src, a.dst.f32() + r * width, width);
  }
  return ok ? Status::success() : op_error(a, "unsupported table type");
}

} // namespace llmhost::cpu
