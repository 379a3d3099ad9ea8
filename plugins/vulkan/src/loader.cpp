#include "loader.hpp"

#include <dlfcn.h>

#include <mutex>

namespace llmhost::vk::fn {
#define LLMHOST_VK_DEFINE(name) PFN_##name name = nullptr;
LLMHOST_VK_GLOBAL_FUNCTIONS(LLMHOST_VK_DEFINE)
LLMHOST_VK_INSTANCE_FUNCTIONS(LLMHOST_VK_DEFINE)
#undef LLMHOST_VK_DEFINE
} // namespace llmhost::vk::fn

namespace llmhost::vk {
namespace {
PFN_vkGetInstanceProcAddr get_instance_proc = nullptr;
}

Status load_vulkan_library() {
  static std::once_flag once;
  static Status outcome;
  std::call_once(once, [] {
    // Never closed: function pointers handed out must stay valid for the process.
    void* lib = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) lib = dlopen("libvulkan.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* why = dlerror();
      outcome = Status::error(ErrorCode::unsupported,
                              std::string("cannot open libvulkan.so.1 (") + (why ? why : "?") + ")");
      return;
    }
    get_instance_proc = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(lib, "vkGetInstanceProcAddr"));
    if (!get_instance_proc) {
      outcome = Status::error(ErrorCode::unsupported, "libvulkan has no vkGetInstanceProcAddr");
      return;
    }
#define LLMHOST_VK_LOAD_GLOBAL(name) \
  name = reinterpret_cast<PFN_##name>(get_instance_proc(VK_NULL_HANDLE, #name));
    LLMHOST_VK_GLOBAL_FUNCTIONS(LLMHOST_VK_LOAD_GLOBAL)
#undef LLMHOST_VK_LOAD_GLOBAL
    if (!vkCreateInstance || !vkEnumerateInstanceLayerProperties || !vkEnumerateInstanceExtensionProperties) {
      outcome = Status::error(ErrorCode::unsupported, "libvulkan lacks global entry points");
    }
  });
  return outcome;
}

Status load_instance_functions(VkInstance instance) {
  static std::mutex mutex;
  static bool loaded = false;
  std::lock_guard lock(mutex);
  if (loaded) return Status::success();
  std::string missing;
  // Core entry points resolved through the loader are trampolines that dispatch on the handle,
  // so one resolution serves every instance of this process.
#define LLMHOST_VK_LOAD_INSTANCE(name)                                              \
  name = reinterpret_cast<PFN_##name>(get_instance_proc(instance, #name));          \
  if (!name) missing += std::string(missing.empty() ? "" : ", ") + #name;
  LLMHOST_VK_INSTANCE_FUNCTIONS(LLMHOST_VK_LOAD_INSTANCE)
#undef LLMHOST_VK_LOAD_INSTANCE
  if (!missing.empty()) return Status::error(ErrorCode::unsupported, "Vulkan loader lacks " + missing);
  loaded = true;
  return Status::success();
}

PFN_vkVoidFunction instance_proc(VkInstance instance, const char* name) {
  return get_instance_proc ? get_instance_proc(instance, name) : nullptr;
}

std::string result_name(VkResult r) {
  switch (r) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_INCOMPLETE: return "VK_INCOMPLETE";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED";
    case VK_ERROR_FRAGMENTED_POOL: return "VK_ERROR_FRAGMENTED_POOL";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    default: return "VkResult " + std::to_string(static_cast<int>(r));
  }
}

Status vk_error(std::string_view what, VkResult r) {
  return Status::error(ErrorCode::internal, std::string(what) + ": " + result_name(r));
}

} // namespace llmhost::vk
