// libvulkan is opened at run time, so the plugin loads (and reports "no Vulkan device") on
// machines without a Vulkan loader. The entry points below are filled once per process.
#pragma once

#include <vulkan/vulkan.h>

#include <string>

#include "llmhost/status.hpp"

#define LLMHOST_VK_GLOBAL_FUNCTIONS(X) \
  X(vkCreateInstance)                  \
  X(vkEnumerateInstanceLayerProperties) \
  X(vkEnumerateInstanceExtensionProperties) \
  X(vkEnumerateInstanceVersion)

#define LLMHOST_VK_INSTANCE_FUNCTIONS(X)   \
  X(vkDestroyInstance)                     \
  X(vkEnumeratePhysicalDevices)            \
  X(vkGetPhysicalDeviceProperties)         \
  X(vkGetPhysicalDeviceProperties2)        \
  X(vkGetPhysicalDeviceFeatures2)          \
  X(vkGetPhysicalDeviceMemoryProperties)   \
  X(vkGetPhysicalDeviceMemoryProperties2)  \
  X(vkGetPhysicalDeviceQueueFamilyProperties) \
  X(vkEnumerateDeviceExtensionProperties)  \
  X(vkCreateDevice)                        \
  X(vkGetDeviceProcAddr)                   \
  X(vkDestroyDevice)                       \
  X(vkGetDeviceQueue)                      \
  X(vkDeviceWaitIdle)                      \
  X(vkCreateBuffer)                        \
  X(vkDestroyBuffer)                       \
  X(vkGetBufferMemoryRequirements)         \
  X(vkAllocateMemory)                      \
  X(vkFreeMemory)                          \
  X(vkBindBufferMemory)                    \
  X(vkMapMemory)                           \
  X(vkUnmapMemory)                         \
  X(vkCreateCommandPool)                   \
  X(vkDestroyCommandPool)                  \
  X(vkAllocateCommandBuffers)              \
  X(vkResetCommandBuffer)                  \
  X(vkBeginCommandBuffer)                  \
  X(vkEndCommandBuffer)                    \
  X(vkCmdCopyBuffer)                       \
  X(vkCmdFillBuffer)                       \
  X(vkCmdPipelineBarrier)                  \
  X(vkCmdBindPipeline)                     \
  X(vkCmdBindDescriptorSets)               \
  X(vkCmdPushConstants)                    \
  X(vkCmdDispatch)                         \
  X(vkQueueSubmit)                         \
  X(vkCreateFence)                         \
  X(vkDestroyFence)                        \
  X(vkWaitForFences)                       \
  X(vkResetFences)                         \
  X(vkCreateShaderModule)                  \
  X(vkDestroyShaderModule)                 \
  X(vkCreateDescriptorSetLayout)           \
  X(vkDestroyDescriptorSetLayout)          \
  X(vkCreatePipelineLayout)                \
  X(vkDestroyPipelineLayout)               \
  X(vkCreateComputePipelines)              \
  X(vkDestroyPipeline)                     \
  X(vkCreateDescriptorPool)                \
  X(vkDestroyDescriptorPool)               \
  X(vkResetDescriptorPool)                 \
  X(vkAllocateDescriptorSets)              \
  X(vkUpdateDescriptorSets)

namespace llmhost::vk::fn {
#define LLMHOST_VK_DECLARE(name) extern PFN_##name name;
LLMHOST_VK_GLOBAL_FUNCTIONS(LLMHOST_VK_DECLARE)
LLMHOST_VK_INSTANCE_FUNCTIONS(LLMHOST_VK_DECLARE)
#undef LLMHOST_VK_DECLARE
} // namespace llmhost::vk::fn

namespace llmhost::vk {

using namespace fn;

// A zeroed Vulkan info struct with its sType set.
template <typename T>
T vk_struct(VkStructureType type) {
  T v{};
  v.sType = type;
  return v;
}

// Opens libvulkan and resolves the global entry points (once; later calls return the first
// outcome).
Status load_vulkan_library();
// Resolves the instance-level and device-level entry points through `instance` (once).
Status load_instance_functions(VkInstance instance);
// An extension entry point of `instance` (null when absent).
PFN_vkVoidFunction instance_proc(VkInstance instance, const char* name);
// "VK_ERROR_OUT_OF_DEVICE_MEMORY", ...
std::string result_name(VkResult r);
// Status for a failed call: "<what>: <result name>".
Status vk_error(std::string_view what, VkResult r);

} // namespace llmhost::vk
