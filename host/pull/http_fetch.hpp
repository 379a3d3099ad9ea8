// Opens an http(s) GET with the address policy applied: the host name is resolved once, every
// address is checked, and the connection goes to a checked address (no second lookup that DNS
// rebinding could answer differently). Redirects are followed by hand, each hop checked again.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPResponse.h>

#include "llmhost/status.hpp"

namespace llmhost::pull {

struct FetchOptions {
  bool allow_private = false;
  int max_redirects = 5;
  int timeout_s = 30; // connect, and each wait for data
};

// A response whose body is ready to read; owns the connection.
class HttpResponseStream {
 public:
  HttpResponseStream(std::unique_ptr<Poco::Net::HTTPClientSession> session, std::string url);
  HttpResponseStream(const HttpResponseStream&) = delete;
  HttpResponseStream& operator=(const HttpResponseStream&) = delete;

  int status() const { return response_.getStatus(); }
  // Content-Length, when the server sent one.
  std::optional<uint64_t> content_length() const;
  std::string header(const std::string& name) const { return response_.get(name, ""); }
  const std::string& url() const { return url_; } // after redirects
  std::istream& body() { return *body_; }

 private:
  friend Result<std::unique_ptr<HttpResponseStream>> open_url(const std::string&, std::optional<uint64_t>,
                                                              const FetchOptions&);
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  Poco::Net::HTTPResponse response_;
  std::istream* body_ = nullptr;
  std::string url_;
};

// GET `url` (from byte `range_start` when given). Redirect statuses are followed; any other
// status is returned for the caller to judge. Errors: invalid_request for refused schemes and
// addresses, internal for network failures and too many redirects.
Result<std::unique_ptr<HttpResponseStream>> open_url(const std::string& url, std::optional<uint64_t> range_start,
                                                     const FetchOptions& options);

} // namespace llmhost::pull
