// What this CPU can do (cpuid at run time) and which kernel path to use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmhost::cpu {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512vnni = false;

  std::vector<std::string> names() const;
};

// Detected once; cheap to call.
const CpuFeatures& cpu_features();

// Kernel instruction-set paths, in increasing order of preference.
enum class Isa { portable, avx2, avx512 };
std::string_view isa_name(Isa isa);
std::optional<Isa> isa_from_name(std::string_view name);

// Whether this build and this CPU can run `isa`.
bool isa_available(Isa isa);
// The best available path, or the one LLMHOST_CPU_ISA forces (if available).
Isa default_isa();

int physical_core_count();
// MemTotal / MemAvailable from /proc/meminfo in bytes (0 when unknown).
uint64_t memory_total_bytes();
uint64_t memory_available_bytes();

} // namespace llmhost::cpu
