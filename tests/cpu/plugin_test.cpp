// The plugin module loads with dlopen, exports its descriptor, and creates a working backend.
#include <dlfcn.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "llmhost/backend.hpp"
#include "llmhost/plugin.hpp"

namespace {

class QuietHost final : public llmhost::HostServices {
 public:
  void log(llmhost::LogLevel, std::string_view) override {}
  std::string options_json() const override { return R"({"threads": 2})"; }
};

TEST(CpuPlugin, LoadsAndExposesItsDescriptor) {
  void* lib = dlopen(LLMHOST_CPU_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << dlerror();
  const auto* d = static_cast<const llmhost_plugin_v1*>(dlsym(lib, LLMHOST_PLUGIN_SYMBOL));
  ASSERT_NE(d, nullptr) << dlerror();
  EXPECT_EQ(d->struct_size, sizeof(llmhost_plugin_v1));
  EXPECT_EQ(d->kind, static_cast<uint32_t>(llmhost::PluginKind::backend));
  EXPECT_STREQ(d->name, "cpu");
  EXPECT_STREQ(d->version, "0.1.0");
  EXPECT_EQ(d->abi_major, LLMHOST_ABI_MAJOR);
  EXPECT_EQ(d->abi_minor, LLMHOST_ABI_MINOR);
  EXPECT_STREQ(d->toolchain, LLMHOST_TOOLCHAIN);
  ASSERT_NE(d->create, nullptr);
  ASSERT_NE(d->destroy, nullptr);
  // Hidden visibility: the descriptor is the only entry point.
  EXPECT_EQ(dlsym(lib, "_ZN7llmhost3cpu14create_backendEv"), nullptr);

  llmhost::Plugin* plugin = d->create();
  ASSERT_NE(plugin, nullptr);
  auto* backend = dynamic_cast<llmhost::BackendPlugin*>(plugin);
  ASSERT_NE(backend, nullptr);
  QuietHost host;
  ASSERT_TRUE(backend->init(host).ok());
  ASSERT_EQ(backend->device_count(), 1u);
  llmhost::Device* device = backend->device(0);
  ASSERT_NE(device, nullptr);
  EXPECT_EQ(device->info().name, "cpu");
  EXPECT_TRUE(device->supports(llmhost::OpKind::mul_mat, llmhost::TensorType::Q4_K));

  // A small graph through the loaded module.
  auto ctx = device->create_context();
  ASSERT_TRUE(ctx.ok());
  std::vector<float> x = {1, 2, 3, 4};
  llmhost::Graph g;
  const auto in = g.input_f32("x", x, {4, 1, 1, 1});
  const auto out = g.op(llmhost::OpKind::scale, llmhost::TensorDesc{llmhost::TensorType::F32, {4, 1, 1, 1}}, {in}, {2.0f});
  g.mark_output(out);
  ASSERT_TRUE((*ctx)->compute(g).ok());
  float y[4];
  ASSERT_TRUE((*ctx)->read_output(g, out, y, sizeof y).ok());
  EXPECT_EQ(y[3], 8.0f);
  ctx = llmhost::Status::error(llmhost::ErrorCode::cancelled, "released"); // objects die before unload
  d->destroy(plugin);
  EXPECT_EQ(dlclose(lib), 0);
}

} // namespace
