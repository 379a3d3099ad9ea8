// The HTTP edge: Poco's server, auth, CORS, body limits, request logs, routing to format
// plugins and handlers, and chunked streaming of the translated events.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "handlers/handler.hpp"
#include "llmhost/status.hpp"
#include "server/router.hpp"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class ServerSocket;
}
} // namespace Poco

namespace llmhost::server {

class HttpServer {
 public:
  HttpServer(config::ServerConfig cfg, const Router& router, handlers::Handler& handler);
  ~HttpServer();

  // Binds and starts serving. Port 0 picks a free port (see port()).
  Status start();
  int port() const { return port_; }
  // Stops accepting, lets in-flight requests finish for up to grace_s seconds, then returns.
  void stop(int grace_s);
  int active_requests() const;

 private:
  config::ServerConfig cfg_;
  const Router& router_;
  handlers::Handler& handler_;
  std::unique_ptr<Poco::ThreadPool> pool_; // declared first: outlives server_
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::unique_ptr<Poco::Net::ServerSocket> listener_; // shares the server's socket; closed on stop
  std::shared_ptr<std::atomic<bool>> stopping_;
  std::shared_ptr<std::atomic<int>> active_;
  int port_ = 0;
};

// Whether a browser Origin may call us: configured origins ("*" = any), and by default the
// local origins (http(s)://localhost, 127.0.0.1, [::1] with any port), as Ollama allows.
bool origin_allowed(const std::vector<std::string>& configured, const std::string& origin);

} // namespace llmhost::server
