// The common handlers: API-agnostic implementations of every request, emitting events.
#pragma once

#include "llmhost/events.hpp"
#include "llmhost/requests.hpp"

namespace llmhost::handlers {

class Handler {
 public:
  virtual ~Handler() = default;
  // Runs the request to completion, emitting its events into `sink` (errors as ErrorEvent).
  // Must stop promptly once sink.cancelled() or an emit returns false.
  virtual void handle(const Request& request, EventSink& sink) = 0;
};

} // namespace llmhost::handlers
