// Times mul_mat on the first Vulkan device for every weight type, decode-sized (M = 1) and
// prompt-sized (M = 64): `llmhost-vulkan-bench [K] [N] [repeats] [type]`. Each timing covers a whole
// compute() (upload of x, dispatches, read-back), as a model step would see it.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "llmhost/quant.hpp"
#include "vulkan_backend/vulkan_backend.hpp"

namespace {

class BenchHost final : public llmhost::HostServices {
 public:
  void log(llmhost::LogLevel, std::string_view m) override { std::fprintf(stderr, "%.*s\n", int(m.size()), m.data()); }
  std::string options_json() const override { return "{}"; }
};

} // namespace

int main(int argc, char** argv) {
  using namespace llmhost;
  const int64_t K = argc > 1 ? std::atoll(argv[1]) : 4096;
  const int64_t N = argc > 2 ? std::atoll(argv[2]) : 4096;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
  const std::string only = argc > 4 ? argv[4] : "";
  BenchHost host;
  auto backend = vk::create_backend();
  if (Status s = backend->init(host); !s) {
    std::fprintf(stderr, "init: %s\n", s.message.c_str());
    return 1;
  }
  if (backend->device_count() == 0) {
    std::fprintf(stderr, "%s\n", backend->status_message().c_str());
    return 1;
  }
  Device& dev = *backend->device(0);
  auto ctx = dev.create_context();
  if (!ctx) return 1;
  std::printf("device: %s\nK=%lld N=%lld\n", dev.info().name.c_str(), (long long)K, (long long)N);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> w(static_cast<size_t>(K * N));
  for (auto& v : w) v = dist(rng);
  for (TensorType t : {TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0, TensorType::Q4_0,
                       TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::Q4_K, TensorType::Q5_K,
                       TensorType::Q6_K}) {
    auto rb = row_bytes(t, K);
    if (!rb || (!only.empty() && type_name(t) != only)) continue;
    std::vector<std::byte> data(*rb * static_cast<size_t>(N));
    for (int64_t r = 0; r < N; ++r) quantize_row(t, w.data() + r * K, data.data() + r * *rb, K);
    TensorDesc desc{t, {K, N, 1, 1}};
    auto buf = dev.upload_weight(desc, data);
    if (!buf) {
      std::printf("%-5s upload failed: %s\n", std::string(type_name(t)).c_str(), buf.status().message.c_str());
      continue;
    }
    for (int64_t M : {1, 64}) {
      std::vector<float> x(static_cast<size_t>(K * M));
      for (auto& v : x) v = dist(rng);
      Graph g;
      TensorId out = g.op(OpKind::mul_mat, TensorDesc{TensorType::F32, {N, M, 1, 1}},
                          {g.bind("w", desc, **buf), g.input_f32("x", x, {K, M, 1, 1})});
      g.mark_output(out);
      if (Status s = (*ctx)->compute(g); !s) { // warm-up: pipeline creation
        std::printf("%s\n", s.message.c_str());
        return 1;
      }
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < repeats; ++i) (*ctx)->compute(g);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / repeats;
      double gflops = 2.0 * K * N * M / (ms * 1e6);
      std::printf("%-5s M=%-3lld %9.3f ms  %8.2f GFLOP/s\n", std::string(type_name(t)).c_str(), (long long)M, ms, gflops);
    }
  }
  return 0;
}
