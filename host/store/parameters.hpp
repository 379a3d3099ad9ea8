// Model parameters as manifests and /api/create carry them ("temperature" -> "0.7"), and how
// they become request Options.
#pragma once

#include <map>
#include <string>

#include "llmhost/requests.hpp"
#include "llmhost/status.hpp"

namespace llmhost::store {

// invalid_request naming the first unknown key or unparsable value.
Status validate_parameters(const std::map<std::string, std::string>& parameters);

// Sets in `options` each parameter the client did not set itself (request beats model).
// "stop" may hold several stop strings separated by newlines.
Status apply_parameters(const std::map<std::string, std::string>& parameters, Options& options);

} // namespace llmhost::store
