#include "native_wire.hpp"

#include <chrono>
#include <cstdio>

namespace llmhost::native {

using json = nlohmann::ordered_json;

std::string rfc3339_now() {
  using namespace std::chrono;
  const auto now = time_point_cast<nanoseconds>(system_clock::now());
  const auto day = floor<days>(now);
  const year_month_day ymd{day};
  const hh_mm_ss hms{now - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%09lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<long long>(hms.subseconds().count()));
  return buf;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json error_body(const ErrorEvent& error) {
  return {{"error", error.message.empty() ? std::string(error_code_name(error.code)) : error.message}};
}

int error_status(ErrorCode code) { return code == ErrorCode::ok ? 500 : http_status(code); }

WireResponse error_wire_response(const ErrorEvent& error) {
  WireResponse r;
  r.status = error_status(error.code);
  r.content_type = kJson;
  r.body = dump(error_body(error));
  return r;
}

json details_json(const ModelDetails& d) {
  return {{"parent_model", d.parent_model},
          {"format", d.format},
          {"family", d.family},
          {"families", d.families.empty() ? json() : json(d.families)},
          {"parameter_size", d.parameter_size},
          {"quantization_level", d.quantization_level}};
}

json model_summary_json(const ModelSummary& m) {
  return {{"name", m.name},
          {"model", m.name},
          {"modified_at", m.modified_at},
          {"size", m.size},
          {"digest", m.digest},
          {"details", details_json(m.details)}};
}

} // namespace llmhost::native
