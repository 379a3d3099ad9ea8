#include "kernels/kernels.hpp"

namespace llmhost::cpu {
namespace {

KernelSet build(Isa isa) {
  KernelSet set;
  set.isa = isa;
  set.quantize_q8_0 = quantize_act_q8_0;
  set.quantize_q8_k = quantize_act_q8_k;
  fill_portable_kernels(set);
#if defined(LLMHOST_CPU_X86)
  if (isa == Isa::avx2) fill_avx2_kernels(set);
  if (isa == Isa::avx512) {
    fill_avx512_kernels(set);
    fill_avx512_gemm(set);
    fill_avx512_decode(set);
  }
#endif
  return set;
}

} // namespace

const KernelSet& kernels_for(Isa isa) {
  static const KernelSet portable = build(Isa::portable);
  static const KernelSet avx2 = isa_available(Isa::avx2) ? build(Isa::avx2) : portable;
  static const KernelSet avx512 = isa_available(Isa::avx512) ? build(Isa::avx512) : portable;
  switch (isa) {
    case Isa::avx2: return avx2;
    case Isa::avx512: return avx512;
    default: return portable;
  }
}

} // namespace llmhost::cpu
