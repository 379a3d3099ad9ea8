// Shared by the Vulkan tests: one backend per test binary, a skip when no Vulkan device exists,
// helpers to build and run graphs, and a check that the validation layer (when on) stayed quiet.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "llmhost/backend.hpp"
#include "llmhost/quant.hpp"
#include "vulkan_backend/vulkan_backend.hpp"

namespace llmhost::vktest {

#if defined(LLMHOST_VK_VALIDATION_IN_TESTS)
// Debug test runs turn the Khronos validation layer on (used when the Debian package
// vulkan-validationlayers is installed; a no-op otherwise). Set before any backend is made.
inline const bool kValidationRequested = [] { return ::setenv("LLMHOST_VK_VALIDATION", "1", 0) == 0; }();
#endif

class TestHost final : public HostServices {
 public:
  explicit TestHost(std::string options = "{}") : options_(std::move(options)) {}
  void log(LogLevel level, std::string_view message) override {
    if (level >= LogLevel::warn) std::fprintf(stderr, "[vulkan] %.*s\n", int(message.size()), message.data());
  }
  std::string options_json() const override { return options_; }

 private:
  std::string options_;
};

struct Backend {
  TestHost host;
  std::unique_ptr<BackendPlugin> plugin;
  Status init_status;
};

// The process-wide backend made with `options` (one per distinct options string).
inline Backend& backend(const std::string& options = "{}") {
  static std::vector<std::unique_ptr<Backend>> all;
  static std::vector<std::string> keys;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == options) return *all[i];
  }
  auto b = std::make_unique<Backend>(Backend{TestHost(options), vk::create_backend(), {}});
  b->init_status = b->plugin->init(b->host);
  keys.push_back(options);
  all.push_back(std::move(b));
  return *all.back();
}

class VulkanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Backend& b = backend(options());
    ASSERT_TRUE(b.init_status.ok()) << b.init_status.message;
    if (b.plugin->device_count() == 0) GTEST_SKIP() << b.plugin->status_message();
    device_ = b.plugin->device(0);
    errors_before_ = vk::validation_error_count(*b.plugin);
    EXPECT_EQ(errors_before_, 0u) << "the Vulkan validation layer reported errors before this test";
    auto ctx = device_->create_context();
    ASSERT_TRUE(ctx.ok()) << ctx.status().message;
    ctx_ = std::move(ctx.value());
  }
  void TearDown() override {
    if (!device_) return;
    EXPECT_EQ(vk::validation_error_count(*backend(options()).plugin), errors_before_)
        << "the Vulkan validation layer reported errors";
  }
  virtual std::string options() const { return "{}"; }

  // Runs the graph and returns output `id` as floats.
  std::vector<float> run(Graph& g, TensorId id) {
    g.mark_output(id);
    Status s = ctx_->compute(g);
    EXPECT_TRUE(s.ok()) << s.message;
    std::vector<float> out(static_cast<size_t>(g.tensor(id).desc.elements()));
    if (!s.ok()) return out;
    Status r = ctx_->read_output(g, id, out.data(), out.size() * sizeof(float));
    EXPECT_TRUE(r.ok()) << r.message;
    return out;
  }

  std::unique_ptr<Buffer> upload(const TensorDesc& desc, const std::vector<std::byte>& data) {
    auto b = device_->upload_weight(desc, data);
    EXPECT_TRUE(b.ok()) << b.status().message;
    return b.ok() ? std::move(b.value()) : nullptr;
  }

  Device* device_ = nullptr;
  std::unique_ptr<ExecutionContext> ctx_;
  uint64_t errors_before_ = 0;
};

inline std::vector<float> random_floats(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Quantizes rows of `values` (ne[0] per row) into `type`.
inline std::vector<std::byte> quantize(TensorType type, const std::vector<float>& values, int64_t ne0) {
  size_t row = *row_bytes(type, ne0);
  size_t rows = values.size() / static_cast<size_t>(ne0);
  std::vector<std::byte> out(row * rows);
  for (size_t r = 0; r < rows; ++r) {
    Status s = quantize_row(type, values.data() + r * ne0, out.data() + r * row, ne0);
    EXPECT_TRUE(s.ok()) << s.message;
  }
  return out;
}

inline std::vector<float> dequantize(TensorType type, const std::vector<std::byte>& data, int64_t ne0) {
  size_t row = *row_bytes(type, ne0);
  size_t rows = data.size() / row;
  std::vector<float> out(rows * static_cast<size_t>(ne0));
  for (size_t r = 0; r < rows; ++r) {
    Status s = dequantize_row(type, data.data() + r * row, out.data() + r * ne0, ne0);
    EXPECT_TRUE(s.ok()) << s.message;
  }
  return out;
}

// |got - want| <= abs_tol + rel_tol * |want| for every element; reports the first few misses.
inline void expect_near(const std::vector<float>& got, const std::vector<float>& want, float abs_tol,
                        float rel_tol = 0.0f, const std::string& what = "") {
  ASSERT_EQ(got.size(), want.size()) << what;
  int misses = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    float tol = abs_tol + rel_tol * std::fabs(want[i]);
    if (!(std::fabs(got[i] - want[i]) <= tol)) {
      if (++misses <= 5) ADD_FAILURE() << what << " [" << i << "]: got " << got[i] << ", want " << want[i];
    }
  }
  EXPECT_EQ(misses, 0) << what << ": " << misses << " of " << got.size() << " elements off";
}

inline const std::vector<TensorType>& weight_types() {
  static const std::vector<TensorType> kTypes = {TensorType::F32,  TensorType::F16,  TensorType::BF16,
                                                 TensorType::Q8_0, TensorType::Q4_0, TensorType::Q4_1,
                                                 TensorType::Q5_0, TensorType::Q5_1, TensorType::Q4_K,
                                                 TensorType::Q5_K, TensorType::Q6_K};
  return kTypes;
}

inline std::string type_param_name(const ::testing::TestParamInfo<TensorType>& info) {
  return std::string(type_name(info.param));
}

} // namespace llmhost::vktest
