// The backend plugin object: reads {"threads": N} from the host's options and owns the device.
#include <nlohmann/json.hpp>

#include "cpu/cpu_backend.hpp"
#include "device.hpp"
#include "features.hpp"

namespace llmhost::cpu {
namespace {

class CpuBackend final : public BackendPlugin {
 public:
  CpuBackend() : device_(physical_core_count()) {}

  Status init(HostServices& host) override {
    const std::string text = host.options_json();
    auto options = nlohmann::json::parse(text.empty() ? "{}" : text, nullptr, /*allow_exceptions=*/false);
    if (options.is_discarded() || !options.is_object())
      return Status::error(ErrorCode::invalid_request, "cpu: options must be a JSON object");
    if (auto it = options.find("threads"); it != options.end()) {
      if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 1024)
        return Status::error(ErrorCode::invalid_request, "cpu: 'threads' must be an integer from 1 to 1024", "threads");
      device_.set_threads(it->get<int>());
    }
    host.log(LogLevel::info, "cpu backend: " + std::to_string(device_.threads()) + " threads, kernels " +
                                 std::string(isa_name(default_isa())));
    return Status::success();
  }

  size_t device_count() const override { return 1; }
  Device* device(size_t index) override { return index == 0 ? &device_ : nullptr; }

 private:
  CpuDevice device_;
};

} // namespace

std::unique_ptr<llmhost::BackendPlugin> create_backend() { return std::make_unique<CpuBackend>(); }

} // namespace llmhost::cpu
