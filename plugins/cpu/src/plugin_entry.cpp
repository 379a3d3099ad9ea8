// The plugin module's one exported symbol: the descriptor for the "cpu" backend.
#include "cpu/cpu_backend.hpp"
#include "llmhost/plugin.hpp"

namespace {

// Forwards to the backend object create_backend() builds (it lives in the static library).
class CpuBackendPlugin final : public llmhost::BackendPlugin {
 public:
  CpuBackendPlugin() : impl_(llmhost::cpu::create_backend()) {}
  llmhost::Status init(llmhost::HostServices& host) override { return impl_->init(host); }
  size_t device_count() const override { return impl_->device_count(); }
  llmhost::Device* device(size_t index) override { return impl_->device(index); }
  std::string status_message() const override { return impl_->status_message(); }

 private:
  std::unique_ptr<llmhost::BackendPlugin> impl_;
};

} // namespace

LLMHOST_PLUGIN(CpuBackendPlugin, llmhost::PluginKind::backend, "cpu", "0.1.0")
