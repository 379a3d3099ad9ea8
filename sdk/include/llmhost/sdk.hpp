// Everything a plugin author needs.
#pragma once

#include "llmhost/backend.hpp"
#include "llmhost/events.hpp"
#include "llmhost/format.hpp"
#include "llmhost/graph.hpp"
#include "llmhost/plugin.hpp"
#include "llmhost/requests.hpp"
#include "llmhost/status.hpp"
#include "llmhost/tensor_type.hpp"
