#include "features.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#if defined(LLMHOST_CPU_X86)
#include <cpuid.h>
#endif

namespace llmhost::cpu {
namespace {

#if defined(LLMHOST_CPU_X86)
uint64_t read_xcr0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}
#endif

CpuFeatures detect() {
  CpuFeatures f;
#if defined(LLMHOST_CPU_X86)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  const bool osxsave = (c >> 27) & 1;
  const uint64_t xcr0 = osxsave ? read_xcr0() : 0;
  const bool ymm_ok = (xcr0 & 0x6) == 0x6;         // OS saves SSE + AVX state
  const bool zmm_ok = ymm_ok && (xcr0 & 0xe0) == 0xe0; // ... and the AVX-512 state
  f.fma = ymm_ok && ((c >> 12) & 1);
  f.f16c = ymm_ok && ((c >> 29) & 1);
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
    f.avx2 = ymm_ok && ((b >> 5) & 1);
    f.avx512f = zmm_ok && ((b >> 16) & 1);
    f.avx512bw = zmm_ok && ((b >> 30) & 1);
    f.avx512vl = zmm_ok && ((b >> 31) & 1);
    f.avx512vnni = zmm_ok && ((c >> 11) & 1);
  }
#endif
  return f;
}

uint64_t meminfo_field(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string name;
  uint64_t kib = 0;
  std::string unit;
  while (in >> name >> kib) {
    std::getline(in, unit);
    if (name == key + ":") return kib * 1024;
  }
  return 0;
}

} // namespace

std::vector<std::string> CpuFeatures::names() const {
  std::vector<std::string> out;
  if (avx2) out.emplace_back("avx2");
  if (fma) out.emplace_back("fma");
  if (f16c) out.emplace_back("f16c");
  if (avx512f) out.emplace_back("avx512f");
  if (avx512bw) out.emplace_back("avx512bw");
  if (avx512vl) out.emplace_back("avx512vl");
  if (avx512vnni) out.emplace_back("avx512vnni");
  return out;
}

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::portable: return "portable";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "unknown";
}

std::optional<Isa> isa_from_name(std::string_view name) {
  for (Isa i : {Isa::portable, Isa::avx2, Isa::avx512})
    if (isa_name(i) == name) return i;
  return std::nullopt;
}

bool isa_available(Isa isa) {
  const CpuFeatures& f = cpu_features();
  switch (isa) {
    case Isa::portable: return true;
#if defined(LLMHOST_CPU_X86)
    case Isa::avx2: return f.avx2 && f.fma && f.f16c;
    case Isa::avx512: return f.avx2 && f.fma && f.f16c && f.avx512f && f.avx512bw && f.avx512vl && f.avx512vnni;
#else
    default: (void)f; return false;
#endif
  }
  return false;
}

Isa default_isa() {
  if (const char* forced = std::getenv("LLMHOST_CPU_ISA")) {
    if (auto isa = isa_from_name(forced); isa && isa_available(*isa)) return *isa;
  }
  for (Isa i : {Isa::avx512, Isa::avx2})
    if (isa_available(i)) return i;
  return Isa::portable;
}

int physical_core_count() {
  std::ifstream in("/proc/cpuinfo");
  std::set<std::pair<std::string, std::string>> cores;
  std::string line, physical = "0";
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (key == "physical id") physical = value;
    if (key == "core id") cores.emplace(physical, value);
  }
  if (!cores.empty()) return static_cast<int>(cores.size());
  const unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(hw) : 1;
}

uint64_t memory_total_bytes() { return meminfo_field("MemTotal"); }
uint64_t memory_available_bytes() { return meminfo_field("MemAvailable"); }

} // namespace llmhost::cpu
