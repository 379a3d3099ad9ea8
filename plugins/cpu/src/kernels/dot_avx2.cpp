// AVX2 + FMA + F16C kernels (compiled with -mavx2 -mfma -mf16c; chosen at run time by cpuid).
#include <immintrin.h>

#include <cmath>
#include <cstring>
#include <type_traits>

#include "kernels/block_decode.hpp"
#include "kernels/kernels.hpp"

namespace llmhost::cpu::avx2 {
#include "kernels/dot_x86.inl"
} // namespace llmhost::cpu::avx2

namespace llmhost::cpu {
void fill_avx2_kernels(KernelSet& set) { avx2::fill_x86(set); }
} // namespace llmhost::cpu
