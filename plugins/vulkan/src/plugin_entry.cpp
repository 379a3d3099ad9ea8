// The plugin module's one exported symbol: the descriptor wrapping the Vulkan backend.
#include "llmhost/plugin.hpp"
#include "vulkan_backend/vulkan_backend.hpp"

namespace {

// A thin owner, so the descriptor can default-construct the backend the library builds.
class VulkanPlugin final : public llmhost::BackendPlugin {
 public:
  VulkanPlugin() : impl_(llmhost::vk::create_backend()) {}
  llmhost::Status init(llmhost::HostServices& host) override { return impl_->init(host); }
  size_t device_count() const override { return impl_->device_count(); }
  llmhost::Device* device(size_t index) override { return impl_->device(index); }
  std::string status_message() const override { return impl_->status_message(); }

 private:
  std::unique_ptr<llmhost::BackendPlugin> impl_;
};

} // namespace

LLMHOST_PLUGIN(VulkanPlugin, llmhost::PluginKind::backend, "vulkan", "0.1.0")
