// llmhost-membw: read bandwidth of main memory, the ceiling for decode speed (each generated
// token streams every weight once). Reads a buffer (default 1 GiB) with T threads, R times, and
// prints the best GB/s.   usage: llmhost-membw [-t THREADS] [-s MIB] [-r REPS] [-o json]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

// Sums 64-bit words with wide independent accumulators so loads, not adds, are the limit
// (GCC turns the 8 lanes into vector adds; the AVX2 build of it reads 32 bytes per load).
template <int Unused = 0>
uint64_t read_range_impl(const uint64_t* p, size_t n) {
  uint64_t acc[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) acc[k] += p[i + static_cast<size_t>(k)];
  for (; i < n; ++i) acc[0] += p[i];
  uint64_t sum = 0;
  for (uint64_t a : acc) sum += a;
  return sum;
}

__attribute__((target("avx2"))) uint64_t read_range_avx2(const uint64_t* p, size_t n) { return read_range_impl<1>(p, n); }
uint64_t read_range_base(const uint64_t* p, size_t n) { return read_range_impl<0>(p, n); }

uint64_t read_range(const uint64_t* p, size_t n) {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2 ? read_range_avx2(p, n) : read_range_base(p, n);
}

} // namespace

int main(int argc, char** argv) {
  int threads = 2, reps = 5;
  size_t mib = 1024;
  bool json = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string f = argv[i];
    if (f == "-t") threads = std::max(1, std::atoi(argv[i + 1]));
    else if (f == "-s") mib = static_cast<size_t>(std::max(1, std::atoi(argv[i + 1])));
    else if (f == "-r") reps = std::max(1, std::atoi(argv[i + 1]));
    else if (f == "-o") json = std::string(argv[i + 1]) == "json";
  }
  const size_t bytes = mib << 20;
  const size_t words = bytes / sizeof(uint64_t);
  std::unique_ptr<uint64_t[]> buf(new uint64_t[words]);
  for (size_t i = 0; i < words; ++i) buf[i] = i; // touch every page before timing
  double best = 0;
  volatile uint64_t sink = 0;
  for (int r = 0; r < reps; ++r) {
    std::vector<std::thread> pool;
    std::vector<uint64_t> sums(static_cast<size_t>(threads));
    const auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) {
      const size_t begin = words * static_cast<size_t>(t) / static_cast<size_t>(threads);
      const size_t end = words * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
      pool.emplace_back([&, t, begin, end] { sums[static_cast<size_t>(t)] = read_range(buf.get() + begin, end - begin); });
    }
    for (auto& th : pool) th.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (auto v : sums) sink = sink + v;
    best = std::max(best, static_cast<double>(bytes) / s / 1e9);
  }
  if (json)
    std::printf("{\"threads\": %d, \"bytes\": %zu, \"reps\": %d, \"best_gbps\": %.2f}\n", threads, bytes, reps, best);
  else
    std::printf("memory read bandwidth: %.2f GB/s (%d threads, %zu MiB, best of %d)\n", best, threads, mib, reps);
  return sink == 42 ? 1 : 0; // keeps the sums alive
}
