// llmhost-cpu-bench: times mul_mat on the shapes of a Llama-3.2-1B-sized model (2048 wide, 16
// layers, 32 heads / 8 KV heads, FFN 8192, vocab 32000) for decode (M=1) and prompt (M=512)
// batches, per weight type, and estimates whole-model tokens/s from the matrix time alone.
// Not a test: prints numbers. Usage: llmhost-cpu-bench [threads=2] [types=Q4_0,Q8_0,Q4_K,Q6_K] [isa]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "context.hpp"
#include "cpu/cpu_backend.hpp"
#include "features.hpp"

namespace {

using namespace llmhost;

struct MatShape {
  const char* name;
  int64_t k, n;
  int per_model; // how many such matrices the model has
};

constexpr MatShape kShapes[] = {
    {"attn_q/o", 2048, 2048, 32}, {"attn_k/v", 2048, 512, 32}, {"ffn_gate/up", 2048, 8192, 32},
    {"ffn_down", 8192, 2048, 16}, {"output", 2048, 32000, 1},
};

std::vector<std::byte> random_blocks(std::mt19937& rng, TensorType type, int64_t k, int64_t n) {
  const auto traits = *type_traits(type);
  std::vector<std::byte> bytes(*row_bytes(type, k) * static_cast<size_t>(n));
  std::uniform_int_distribution<int> dist(0, 255);
  for (auto& b : bytes) b = static_cast<std::byte>(dist(rng));
  if (!traits.quantized) { // keep float weights finite
    for (size_t i = 1; i < bytes.size(); i += 2) bytes[i] = static_cast<std::byte>(0x3c);
  }
  return bytes;
}

struct Timing {
  double wall_sec;
  double cpu_sec;
};

Timing time_mul_mat(cpu::CpuContext& ctx, Device& dev, TensorType type, const MatShape& s, int64_t m,
                    std::mt19937& rng) {
  const TensorDesc wdesc{type, {s.k, s.n, 1, 1}};
  auto wbuf = dev.upload_weight(wdesc, random_blocks(rng, type, s.k, s.n));
  if (!wbuf) {
    std::fprintf(stderr, "upload failed: %s\n", wbuf.status().message.c_str());
    std::exit(1);
  }
  std::vector<float> x(static_cast<size_t>(s.k * m));
  std::normal_distribution<float> nd;
  for (auto& v : x) v = nd(rng);
  Graph g;
  const TensorId w = g.bind("w", wdesc, **wbuf);
  const TensorId xin = g.input_f32("x", x, {s.k, m, 1, 1});
  g.op(OpKind::mul_mat, TensorDesc{TensorType::F32, {s.n, m, 1, 1}}, {w, xin});
  (void)ctx.compute(g); // warm-up
  const auto bytes = static_cast<double>(wdesc.bytes());
  const int reps = std::max(2, static_cast<int>(2e8 / (bytes * static_cast<double>(m > 1 ? 8 : 1))));
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  for (int i = 0; i < reps; ++i) (void)ctx.compute(g);
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
  // CPU time over all threads: on a loaded machine wall time overstates the kernels' cost.
  const double cpu_ms = 1e3 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC / reps;
  std::printf("  %-12s K=%-5lld N=%-6lld M=%-4lld %8.3f ms (cpu %8.3f ms) %8.1f GFLOP/s %6.1f GB/s\n", s.name,
              static_cast<long long>(s.k), static_cast<long long>(s.n), static_cast<long long>(m), sec * 1e3, cpu_ms,
              2.0 * static_cast<double>(s.k * s.n * m) / sec / 1e9, bytes / sec / 1e9);
  return {sec, cpu_ms / 1e3};
}

} // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  std::string types = argc > 2 ? argv[2] : "Q4_0,Q8_0,Q4_K,Q6_K";
  const cpu::Isa isa = argc > 3 ? cpu::isa_from_name(argv[3]).value_or(cpu::default_isa()) : cpu::default_isa();
  auto backend = cpu::create_backend();
  Device& dev = *backend->device(0);
  cpu::CpuContext ctx(threads, isa);
  std::printf("llmhost-cpu-bench: %d threads, kernels %s\n", threads, std::string(cpu::isa_name(ctx.isa())).c_str());
  std::mt19937 rng(42);
  std::stringstream list(types);
  for (std::string name; std::getline(list, name, ',');) {
    const auto type = type_from_name(name);
    if (!type) {
      std::fprintf(stderr, "unknown type %s\n", name.c_str());
      return 1;
    }
    for (int64_t m : {int64_t{1}, int64_t{512}}) {
      std::printf("%s M=%lld\n", name.c_str(), static_cast<long long>(m));
      double model_sec = 0, model_cpu = 0;
      for (const MatShape& s : kShapes) {
        const Timing t = time_mul_mat(ctx, dev, *type, s, m, rng);
        model_sec += s.per_model * t.wall_sec;
        model_cpu += s.per_model * t.cpu_sec;
      }
      std::printf("  => all matrices of the model: %.1f ms per step, %.1f tokens/s (matrices only); "
                  "from CPU time / %d threads: %.1f tokens/s\n",
                  model_sec * 1e3, static_cast<double>(m) / model_sec, threads,
                  static_cast<double>(m) * threads / model_cpu);
    }
  }
  return 0;
}
