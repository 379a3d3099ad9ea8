// SPIR-V modules compiled from shaders/*.comp at build time (see cmake/embed_spirv.cmake).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace llmhost::vk {

struct EmbeddedShader {
  std::string_view name; // "mul_mat_vec_Q4_K", "rms_norm", ...
  const unsigned char* code;
  size_t size;
};

std::span<const EmbeddedShader> embedded_shaders();

} // namespace llmhost::vk
