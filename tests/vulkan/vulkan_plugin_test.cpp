// The plugin module as the host sees it: loaded with dlopen, its descriptor read, devices
// reported; and with no usable Vulkan driver it still loads and says why it has no device.
#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include "vk_test_support.hpp"

namespace llmhost::vktest {
namespace {

const std::string kModule = std::string(LLMHOST_BUILD_DIR) + "/plugins/libllmhost-vulkan.so";

struct Module {
  void* handle = nullptr;
  ~Module() {
    if (handle) dlclose(handle);
  }
};

TEST(VulkanPlugin, ModuleLoadsAndReportsDevices) {
  Module m;
  m.handle = dlopen(kModule.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(m.handle, nullptr) << dlerror();
  auto* desc = static_cast<const llmhost_plugin_v1*>(dlsym(m.handle, LLMHOST_PLUGIN_SYMBOL));
  ASSERT_NE(desc, nullptr);
  EXPECT_EQ(desc->struct_size, sizeof(llmhost_plugin_v1));
  EXPECT_EQ(desc->kind, static_cast<uint32_t>(PluginKind::backend));
  EXPECT_STREQ(desc->name, "vulkan");
  EXPECT_EQ(desc->abi_major, LLMHOST_ABI_MAJOR);
  EXPECT_STREQ(desc->toolchain, LLMHOST_TOOLCHAIN);
  // Only the descriptor is exported.
  EXPECT_EQ(dlsym(m.handle, "_ZN7llmhost2vk14create_backendEv"), nullptr);

  Plugin* raw = desc->create();
  ASSERT_NE(raw, nullptr);
  auto* plugin = static_cast<BackendPlugin*>(raw);
  TestHost host;
  ASSERT_TRUE(plugin->init(host).ok());
  if (plugin->device_count() == 0) {
    EXPECT_EQ(plugin->status_message().rfind("no Vulkan device: ", 0), 0u) << plugin->status_message();
  } else {
    EXPECT_NE(plugin->device(0), nullptr);
    EXPECT_FALSE(plugin->device(0)->info().name.empty());
    EXPECT_EQ(plugin->device(plugin->device_count()), nullptr);
  }
  desc->destroy(raw);
}

TEST(VulkanPlugin, DeviceOptionSelectsByIndexOrName) {
  Backend& all = backend();
  if (all.plugin->device_count() == 0) GTEST_SKIP() << all.plugin->status_message();
  std::string name = all.plugin->device(0)->info().name;
  Backend& by_index = backend(R"({"device": 0})");
  ASSERT_TRUE(by_index.init_status.ok());
  EXPECT_EQ(by_index.plugin->device_count(), 1u);
  Backend& by_name = backend(R"({"device": ")" + name.substr(0, 4) + R"("})");
  ASSERT_TRUE(by_name.init_status.ok());
  ASSERT_GE(by_name.plugin->device_count(), 1u);
  EXPECT_EQ(by_name.plugin->device(0)->info().name.substr(0, 4), name.substr(0, 4));
  Backend& none = backend(R"({"device": "no-such-gpu"})");
  ASSERT_TRUE(none.init_status.ok());
  EXPECT_EQ(none.plugin->device_count(), 0u);
  EXPECT_NE(none.plugin->status_message().find("no Vulkan device"), std::string::npos);
  EXPECT_FALSE(backend(R"({"device": [1]})").init_status.ok());
  EXPECT_FALSE(backend("not json").init_status.ok());
}

// Runs in a fresh child process (threadsafe death-test style re-executes the binary), so the
// Vulkan loader there first starts with no driver to find.
TEST(VulkanPluginDeathTest, NoDriverMeansNoDeviceAndAReason) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("VK_ICD_FILENAMES", "/nonexistent/icd.json", 1);
        setenv("VK_DRIVER_FILES", "/nonexistent/icd.json", 1);
        auto plugin = vk::create_backend();
        TestHost host;
        Status s = plugin->init(host);
        std::string msg = plugin->status_message();
        std::fprintf(stderr, "status: %s\n", msg.c_str());
        bool ok = s.ok() && plugin->device_count() == 0 && plugin->device(0) == nullptr &&
                  msg.rfind("no Vulkan device: ", 0) == 0;
        plugin.reset();
        std::exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "status: no Vulkan device: ");
}

} // namespace
} // namespace llmhost::vktest
