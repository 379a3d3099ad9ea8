// The CPU compute backend: one "cpu" device running graphs with SIMD kernels on a thread pool.
// The plugin module (libllmhost-cpu.so) wraps this; engine tests link it directly.
#pragma once

#include <memory>

#include "llmhost/backend.hpp"

namespace llmhost::cpu {

// A new, uninitialised backend plugin object (call init() before device()).
std::unique_ptr<llmhost::BackendPlugin> create_backend();

} // namespace llmhost::cpu
