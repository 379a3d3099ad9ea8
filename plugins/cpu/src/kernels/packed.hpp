// The prompt-path layout: weight rows and activation rows unpacked to int8 with one float scale
// and one float offset per 16 elements, so a register-blocked GEMM kernel can treat every weight
// type alike. A packed row of k elements (k % 64 == 0) is
//   [int8 q[k]] [float scale[k/16]] [float offset[k/16]]
// Weights: value = scale * q + offset. Activations: value = scale * q, quantized per 32 exactly
// as Q8_0 does; their offset slot holds scale * sum(q) of the 16-element group, which pairs with
// the weight offsets.
#pragma once

#include <cstddef>
#include <cstdint>

#include "llmhost/tensor_type.hpp"

namespace llmhost::cpu {

inline constexpr int64_t kPackGroup = 16;
inline constexpr int64_t kPackAlign = 64; // k must be a multiple of this

inline size_t packed_row_bytes(int64_t k) { return static_cast<size_t>(k + 2 * (k / kPackGroup) * 4); }

// Whether pack_weight_row handles `type`.
bool can_pack_weight(TensorType type);
// Unpacks one weight row (GGUF layout) into the packed layout; `has_offset` tells whether any
// offset is non-zero for this type.
void pack_weight_row(TensorType type, const void* src, int64_t k, std::byte* dst);
bool packed_type_has_offset(TensorType type);
// Quantizes one activation row into the packed layout (the same values Q8_0 quantization gives).
void pack_activation_row(const float* x, int64_t k, std::byte* dst);

// The GEMM's own layouts, built from the packed rows above. A weight panel interleaves
// kPanelRows rows so one 512-bit load holds 4 consecutive elements of each of the 16 rows; per
// group of `group` elements (32 when every 32-element block has one scale, else 16):
//   [int8 q[group/4][16 rows][4]] [float scale[16]] [int32 corr[16]] [float offset[16]]
// with corr = -128 * sum(q) of the row's group (the activations are stored biased by +128 so
// vpdpbusd can multiply them as unsigned bytes). A panel activation row is
//   [uint8 q + 128 [k]] [float scale[k/group]] [float scale * sum(q) [k/group]].
inline constexpr int kPanelRows = 16;
inline constexpr int kGemmPanels = 2, kGemmCols = 4; // register block: 32 weight rows x 4 activation rows

int64_t panel_group(TensorType type);
inline size_t panel_group_bytes(int64_t group) { return static_cast<size_t>(group * kPanelRows + 3 * 4 * kPanelRows); }
inline size_t panel_bytes(int64_t k, int64_t group) { return static_cast<size_t>(k / group) * panel_group_bytes(group); }
inline size_t panel_act_row_bytes(int64_t k, int64_t group) { return static_cast<size_t>(k + 2 * (k / group) * 4); }

// Interleaves `rows` (<= kPanelRows) packed weight rows (row r at rows_data + r * row_stride) into
// one panel; missing rows become zeros.
void build_weight_panel(const std::byte* rows_data, size_t row_stride, int rows, int64_t k, int64_t group,
                        std::byte* panel);
// Quantizes one activation row (as Q8_0 does) into the panel activation layout.
void pack_activation_panel_row(const float* x, int64_t k, int64_t group, std::byte* dst);

// out[c * out_stride + r] = dot(weight row r, activation row c) for r < valid_rows (<= kGemmPanels
// * kPanelRows) and c < valid_cols (<= kGemmCols). Weight panels sit panel_stride bytes apart;
// all kGemmPanels panels and kGemmCols activation rows must exist (callers pad with zeros).
using GemmFn = void (*)(int64_t k, int64_t group, const std::byte* panels, size_t panel_stride, const std::byte* acts,
                        size_t act_stride, bool has_offset, float* out, size_t out_stride, int valid_rows,
                        int valid_cols);

} // namespace llmhost::cpu
