// The Vulkan instance of one backend plugin: created once, optionally with the Khronos validation
// layer (env LLMHOST_VK_VALIDATION=1), whose error messages are counted and logged.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "loader.hpp"

namespace llmhost::vk {

using LogFn = std::function<void(bool is_error, const std::string& message)>;

class Instance {
 public:
  // Fails (with the reason) when there is no loader or no instance can be created.
  static Result<std::unique_ptr<Instance>> create(LogFn log);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  VkInstance handle() const { return instance_; }
  Result<std::vector<VkPhysicalDevice>> physical_devices() const;
  bool validation_enabled() const { return messenger_ != VK_NULL_HANDLE; }
  uint64_t validation_errors() const { return validation_errors_.load(); }

 private:
  Instance() = default;
  static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                   VkDebugUtilsMessageTypeFlagsEXT types,
                                                   const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                   void* self);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  std::atomic<uint64_t> validation_errors_{0};
  LogFn log_;
};

} // namespace llmhost::vk
