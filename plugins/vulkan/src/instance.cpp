#include "instance.hpp"

#include <cstdlib>
#include <cstring>

namespace llmhost::vk {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

bool validation_requested() {
  const char* v = std::getenv("LLMHOST_VK_VALIDATION");
  return v && std::strcmp(v, "1") == 0;
}

bool layer_available(const char* name) {
  uint32_t count = 0;
  if (vkEnumerateInstanceLayerProperties(&count, nullptr) != VK_SUCCESS) return false;
  std::vector<VkLayerProperties> layers(count);
  if (vkEnumerateInstanceLayerProperties(&count, layers.data()) != VK_SUCCESS) return false;
  for (const auto& l : layers) {
    if (std::strcmp(l.layerName, name) == 0) return true;
  }
  return false;
}

} // namespace

Result<std::unique_ptr<Instance>> Instance::create(LogFn log) {
  if (Status s = load_vulkan_library(); !s) return s;
  std::unique_ptr<Instance> self(new Instance());
  self->log_ = std::move(log);

  uint32_t api = VK_API_VERSION_1_1;
  if (vkEnumerateInstanceVersion) {
    uint32_t v = 0;
    if (vkEnumerateInstanceVersion(&v) == VK_SUCCESS && v >= VK_API_VERSION_1_2) api = VK_API_VERSION_1_2;
  }
  auto app = vk_struct<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
  app.pApplicationName = "llmhost";
  app.pEngineName = "llmhost-vulkan";
  app.apiVersion = api;

  std::vector<const char*> layers, extensions;
  bool validation = validation_requested();
  if (validation && !layer_available(kValidationLayer)) {
    if (self->log_) self->log_(false, "LLMHOST_VK_VALIDATION=1 but VK_LAYER_KHRONOS_validation is not installed");
    validation = false;
  }
  if (validation) {
    layers.push_back(kValidationLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }
  auto info = vk_struct<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
  info.pApplicationInfo = &app;
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  if (VkResult r = vkCreateInstance(&info, nullptr, &self->instance_); r != VK_SUCCESS) {
    return Status::error(ErrorCode::unsupported, "vkCreateInstance failed: " + result_name(r));
  }
  if (Status s = load_instance_functions(self->instance_); !s) return s;

  if (validation) {
    auto create_messenger = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        instance_proc(self->instance_, "vkCreateDebugUtilsMessengerEXT"));
    if (create_messenger) {
      auto m = vk_struct<VkDebugUtilsMessengerCreateInfoEXT>(VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT);
      m.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
      m.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
      m.pfnUserCallback = &Instance::on_message;
      m.pUserData = self.get();
      create_messenger(self->instance_, &m, nullptr, &self->messenger_);
    }
  }
  return self;
}

Instance::~Instance() {
  if (messenger_ != VK_NULL_HANDLE) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        instance_proc(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
  }
  if (instance_ != VK_NULL_HANDLE) vkDestroyInstance(instance_, nullptr);
}

Result<std::vector<VkPhysicalDevice>> Instance::physical_devices() const {
  uint32_t count = 0;
  if (VkResult r = vkEnumeratePhysicalDevices(instance_, &count, nullptr); r != VK_SUCCESS) {
    return vk_error("vkEnumeratePhysicalDevices", r);
  }
  std::vector<VkPhysicalDevice> devices(count);
  if (VkResult r = vkEnumeratePhysicalDevices(instance_, &count, devices.data()); r != VK_SUCCESS && r != VK_INCOMPLETE) {
    return vk_error("vkEnumeratePhysicalDevices", r);
  }
  devices.resize(count);
  return devices;
}

VKAPI_ATTR VkBool32 VKAPI_CALL Instance::on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                    VkDebugUtilsMessageTypeFlagsEXT,
                                                    const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                    void* user) {
  auto* self = static_cast<Instance*>(user);
  bool error = (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) != 0;
  if (error) self->validation_errors_.fetch_add(1);
  if (self->log_) self->log_(error, std::string("validation: ") + (data && data->pMessage ? data->pMessage : ""));
  return VK_FALSE;
}

} // namespace llmhost::vk
