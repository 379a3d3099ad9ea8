// The weight types whose kernels (get_rows, mul_mat) this backend carries.
#pragma once

#include "llmhost/tensor_type.hpp"

namespace llmhost::vk {

inline bool is_weight_type(TensorType t) {
  switch (t) {
    case TensorType::F32:
    case TensorType::F16:
    case TensorType::BF16:
    case TensorType::Q8_0:
    case TensorType::Q4_0:
    case TensorType::Q4_1:
    case TensorType::Q5_0:
    case TensorType::Q5_1:
    case TensorType::Q4_K:
    case TensorType::Q5_K:
    case TensorType::Q6_K: return true;
    default: return false;
  }
}

} // namespace llmhost::vk
