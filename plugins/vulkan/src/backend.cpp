// The backend plugin object: creates the instance, opens the selected devices and explains
// itself when there are none.
#include <nlohmann/json.hpp>

#include "device.hpp"
#include "instance.hpp"
#include "vulkan_backend/vulkan_backend.hpp"

namespace llmhost::vk {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class VulkanBackend final : public BackendPlugin {
 public:
  ~VulkanBackend() override {
    devices_.clear(); // before the instance they came from
    instance_.reset();
  }

  Status init(HostServices& host) override {
    host_ = &host;
    auto options = nlohmann::json::parse(host.options_json(), nullptr, false);
    if (options.is_discarded() || (!options.is_null() && !options.is_object())) {
      return Status::error(ErrorCode::invalid_request, "vulkan plugin options must be a JSON object");
    }
    DeviceOptions device_options;
    if (options.is_object() && options.contains("max_binding_bytes")) {
      if (!options["max_binding_bytes"].is_number_unsigned()) {
        return Status::error(ErrorCode::invalid_request, "max_binding_bytes must be a positive integer", "max_binding_bytes");
      }
      device_options.max_binding_bytes = options["max_binding_bytes"].get<uint64_t>();
    }
    if (options.is_object() && options.contains("subgroups")) {
      if (!options["subgroups"].is_boolean()) {
        return Status::error(ErrorCode::invalid_request, "subgroups must be true or false", "subgroups");
      }
      device_options.subgroups = options["subgroups"].get<bool>();
    }
    if (options.is_object() && options.contains("matmul_kernels")) {
      const auto& k = options["matmul_kernels"];
      if (!k.is_string() || (k != "gpu" && k != "cpu")) {
        return Status::error(ErrorCode::invalid_request, "matmul_kernels must be \"gpu\" or \"cpu\"", "matmul_kernels");
      }
      device_options.matmul_kernels = k.get<std::string>();
    }
    nlohmann::json selector = options.is_object() && options.contains("device") ? options["device"] : nlohmann::json();
    if (!selector.is_null() && !selector.is_number_unsigned() && !selector.is_string()) {
      return Status::error(ErrorCode::invalid_request, "device must be an index or a name substring", "device");
    }

    auto instance = Instance::create([this](bool error, const std::string& msg) {
      if (host_) host_->log(error ? LogLevel::error : LogLevel::warn, msg);
    });
    if (!instance) {
      message_ = "no Vulkan device: " + instance.status().message;
      return Status::success(); // the plugin loads; the host moves on to the next backend
    }
    instance_ = std::move(instance.value());
    auto physical = instance_->physical_devices();
    if (!physical) {
      message_ = "no Vulkan device: " + physical.status().message;
      return Status::success();
    }
    if (physical->empty()) {
      message_ = "no Vulkan device: the loader found no device (no ICD installed?)";
      return Status::success();
    }
    std::string skipped;
    for (size_t i = 0; i < physical->size(); ++i) {
      VkPhysicalDeviceProperties props{};
      vkGetPhysicalDeviceProperties((*physical)[i], &props);
      if (selector.is_number_unsigned() && selector.get<uint64_t>() != i) continue;
      if (selector.is_string() &&
          lower(props.deviceName).find(lower(selector.get<std::string>())) == std::string::npos) {
        continue;
      }
      auto dev = VulkanDevice::open(*instance_, (*physical)[i], device_options);
      if (!dev) {
        skipped += std::string(skipped.empty() ? "" : "; ") + props.deviceName + ": " + dev.status().message;
        continue;
      }
      devices_.push_back(std::move(dev.value()));
    }
    if (devices_.empty()) {
      message_ = "no Vulkan device: " + (skipped.empty() ? std::string("none matches the 'device' option") : skipped);
    } else {
      message_ = std::to_string(devices_.size()) + " Vulkan device(s)";
      if (!skipped.empty()) message_ += "; skipped " + skipped;
      if (instance_->validation_enabled()) message_ += "; validation layer on";
    }
    return Status::success();
  }

  size_t device_count() const override { return devices_.size(); }
  Device* device(size_t index) override { return index < devices_.size() ? devices_[index].get() : nullptr; }
  std::string status_message() const override { return message_; }

  const Instance* instance() const { return instance_.get(); }

 private:
  HostServices* host_ = nullptr;
  std::unique_ptr<Instance> instance_;
  std::vector<std::unique_ptr<VulkanDevice>> devices_;
  std::string message_ = "not initialised";
};

} // namespace

std::unique_ptr<BackendPlugin> create_backend() { return std::make_unique<VulkanBackend>(); }

uint64_t validation_error_count(const BackendPlugin& backend) {
  auto* vb = dynamic_cast<const VulkanBackend*>(&backend);
  return vb && vb->instance() ? vb->instance()->validation_errors() : 0;
}

bool validation_enabled(const BackendPlugin& backend) {
  auto* vb = dynamic_cast<const VulkanBackend*>(&backend);
  return vb && vb->instance() && vb->instance()->validation_enabled();
}

} // namespace llmhost::vk
