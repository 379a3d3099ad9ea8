#include "server/http_server.hpp"

#include <poll.h>

#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <spdlog/spdlog.h>

namespace llmhost::server {
namespace {

std::string next_request_id() {
  static std::atomic<uint64_t> counter{0};
  static const uint32_t prefix = std::random_device{}();
  std::ostringstream os;
  os << std::hex << prefix << "-" << std::dec << ++counter;
  return os.str();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// Writes a response through Poco: streamed responses flush each write as one chunk; others are
// buffered and sent with a Content-Length at the end.
class PocoWriter final : public ResponseWriter {
 public:
  PocoWriter(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, std::vector<Header> base_headers)
      : req_(req), resp_(resp), base_headers_(std::move(base_headers)) {}

  void start(int status, std::string_view content_type, bool streaming, const std::vector<Header>& extra) override {
    if (started_) return;
    started_ = true;
    status_ = status;
    streaming_ = streaming;
    resp_.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    resp_.setContentType(std::string(content_type));
    for (const auto& h : base_headers_) resp_.set(h.name, h.value);
    for (const auto& h : extra) resp_.set(h.name, h.value);
    if (streaming_) {
      resp_.setChunkedTransferEncoding(true);
      resp_.set("Cache-Control", "no-cache");
      resp_.set("X-Accel-Buffering", "no");
      try {
        out_ = &resp_.send();
      } catch (...) {
        gone_ = true;
      }
    }
  }
  bool started() const override { return started_; }

  bool write(std::string_view bytes) override {
    if (!started_) start(200, "application/json", false, {});
    if (!streaming_) {
      body_.append(bytes);
      return true;
    }
    if (gone_ || !out_) return false;
    try {
      out_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      out_->flush();
    } catch (...) {
      gone_ = true;
    }
    if (!out_->good()) gone_ = true;
    return !gone_;
  }

  // Sends a buffered body (or an empty 500 when nothing was ever started).
  void complete(bool head_request) {
    if (!started_) start(500, "application/json", false, {});
    if (streaming_) return;
    try {
      if (head_request) {
        resp_.setContentLength(static_cast<std::streamsize>(body_.size()));
        resp_.send();
      } else {
        resp_.sendBuffer(body_.data(), body_.size());
      }
    } catch (...) {
      gone_ = true;
    }
  }

  // True when the peer closed its side: readable with nothing to read.
  bool peer_closed() {
    if (gone_) return true;
    try {
      auto& impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(req_);
      pollfd p{impl.socket().impl()->sockfd(), POLLIN | POLLRDHUP, 0};
      if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) gone_ = true;
    } catch (...) {
    }
    return gone_;
  }

  int status() const { return status_; }

 private:
  Poco::Net::HTTPServerRequest& req_;
  Poco::Net::HTTPServerResponse& resp_;
  std::vector<Header> base_headers_;
  bool started_ = false;
  bool streaming_ = false;
  bool gone_ = false;
  int status_ = 0;
  std::string body_;
  std::ostream* out_ = nullptr;
};

class TranslatingSink final : public EventSink {
 public:
  TranslatingSink(ResponseTranslator& t, PocoWriter& w) : translator_(t), writer_(w) {}
  bool emit(const Event& event) override {
    if (stopped_) return false;
    bool keep = false;
    try {
      keep = translator_.on_event(event, writer_);
    } catch (const std::exception& e) {
      spdlog::error("response translator threw: {}", e.what());
    }
    if (!keep || writer_.peer_closed()) stopped_ = true;
    return !stopped_;
  }
  bool cancelled() const override { return stopped_ || writer_.peer_closed(); }

 private:
  ResponseTranslator& translator_;
  PocoWriter& writer_;
  bool stopped_ = false;
};

WireResponse generic_error(int status, const std::string& message) {
  std::string escaped;
  for (char c : message) {
    if (c == '"' || c == '\\') escaped += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) escaped += c;
  }
  return {status, "application/json", "{\"error\":\"" + escaped + "\"}", {}};
}

class RequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  RequestHandler(const config::ServerConfig& cfg, const Router& router, handlers::Handler& handler,
                 std::shared_ptr<std::atomic<bool>> stopping, std::atomic<int>& active)
      : cfg_(cfg), router_(router), handler_(handler), stopping_(std::move(stopping)), active_(active) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    ++active_;
    const auto t0 = std::chrono::steady_clock::now();
    const std::string id = next_request_id();
    std::string path = req.getURI();
    int status = 0;
    try {
      Poco::URI uri(req.getURI());
      path = uri.getPath();
      status = serve(req, resp, uri, id);
    } catch (const std::exception& e) {
      spdlog::error("[{}] unhandled error: {}", id, e.what());
      status = 500;
      if (!resp.sent()) {
        try {
          auto w = generic_error(500, "internal error");
          resp.setStatus(Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
          resp.setContentType(w.content_type);
          resp.sendBuffer(w.body.data(), w.body.size());
        } catch (...) {
        }
      }
    }
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    spdlog::info("[{}] {} {} {} {:.1f}ms", id, req.getMethod(), path, status, ms);
    --active_;
  }

 private:
  int send_wire(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, const WireResponse& w,
                const std::vector<Header>& base) {
    PocoWriter writer(req, resp, base);
    writer.start(w.status, w.content_type, false, w.headers);
    writer.write(w.body);
    writer.complete(req.getMethod() == "HEAD");
    return w.status;
  }

  int send_error(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, FormatPlugin* fmt,
                 ErrorCode code, const std::string& message, const std::vector<Header>& base,
                 std::vector<Header> extra = {}) {
    WireResponse w;
    if (fmt) {
      try {
        w = fmt->error_response(ErrorEvent{code, message, {}});
      } catch (...) {
        w = generic_error(http_status(code), message);
      }
    } else {
      w = generic_error(http_status(code), message);
    }
    for (auto& h : extra) w.headers.push_back(std::move(h));
    return send_wire(req, resp, w, base);
  }

  int serve(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, const Poco::URI& uri,
            const std::string& id) {
    const std::string method = req.getMethod();
    const std::string path = uri.getPath();
    std::vector<Header> base{{"X-Request-Id", id}};

    const std::string origin = req.get("Origin", "");
    if (!origin.empty() && origin_allowed(cfg_.cors_origins, origin)) {
      base.push_back({"Access-Control-Allow-Origin", origin});
      base.push_back({"Vary", "Origin"});
    }
    if (method == "OPTIONS") {
      base.push_back({"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, HEAD, OPTIONS"});
      base.push_back({"Access-Control-Allow-Headers", "Authorization, Content-Type, User-Agent, Accept, X-Requested-With"});
      return send_wire(req, resp, WireResponse{204, "text/plain", "", {}}, base);
    }

    const auto match = router_.match(method, path);
    FormatPlugin* fmt = match.entry ? match.entry->format : router_.format_for_path(path);
    if (stopping_->load())
      return send_error(req, resp, fmt, ErrorCode::overloaded, "server is shutting down", base);
    if (match.kind == RouteMatch::Kind::not_found)
      return send_error(req, resp, fmt, ErrorCode::not_found, "no route for " + method + " " + path, base);
    if (match.kind == RouteMatch::Kind::wrong_method) {
      std::string allow;
      for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      return send_error(req, resp, fmt, ErrorCode::method_not_allowed,
                        "method " + method + " not allowed for " + path + " (allowed: " + allow + ")", base,
                        {{"Allow", allow}});
    }
    const auto& entry = *match.entry;

    if (!cfg_.api_keys.empty() && !entry.route.is_public) {
      const std::string auth = req.get("Authorization", "");
      bool ok = false;
      if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") {
        const std::string key = auth.substr(7);
        for (const auto& k : cfg_.api_keys) ok = constant_time_equal(key, k) || ok;
      }
      if (!ok) {
        spdlog::warn("[{}] rejected: {} API key", id, auth.empty() ? "missing" : "invalid");
        return send_error(req, resp, fmt, ErrorCode::unauthorized,
                          auth.empty() ? "missing API key: send 'Authorization: Bearer <key>'" : "invalid API key", base);
      }
    }

    HttpRequest hreq;
    hreq.method = method;
    hreq.path = path;
    hreq.path_params = match.params;
    hreq.request_id = id;
    for (const auto& [k, v] : uri.getQueryParameters()) hreq.query[k] = v;
    for (const auto& [k, v] : req) hreq.headers[lower(k)] = v;

    if (req.hasContentLength() && req.getContentLength64() > static_cast<int64_t>(cfg_.max_body_bytes))
      return send_error(req, resp, fmt, ErrorCode::payload_too_large,
                        "request body of " + std::to_string(req.getContentLength64()) + " bytes exceeds the limit of " +
                            std::to_string(cfg_.max_body_bytes),
                        base);
    if (!read_body(req.stream(), hreq.body))
      return send_error(req, resp, fmt, ErrorCode::payload_too_large,
                        "request body exceeds the limit of " + std::to_string(cfg_.max_body_bytes) + " bytes", base);

    Translation translation;
    try {
      translation = entry.format->translate_request(entry.route, hreq);
    } catch (const std::exception& e) {
      spdlog::error("[{}] format plugin '{}' threw translating the request: {}", id, entry.format_name, e.what());
      return send_error(req, resp, fmt, ErrorCode::internal, "internal error translating the request", base);
    }
    if (auto* wire = std::get_if<WireResponse>(&translation)) {
      if (wire->status >= 400) spdlog::warn("[{}] {} {}: {} {}", id, method, path, wire->status, wire->body);
      return send_wire(req, resp, *wire, base);
    }
    const auto& request = std::get<Request>(translation);
    std::unique_ptr<ResponseTranslator> translator;
    try {
      translator = entry.format->make_response_translator(entry.route, request);
    } catch (...) {
    }
    if (!translator) return send_error(req, resp, fmt, ErrorCode::internal, "format plugin has no response translator", base);

    PocoWriter writer(req, resp, base);
    TranslatingSink sink(*translator, writer);
    spdlog::debug("[{}] handling {} request", id, request_name(request));
    try {
      handler_.handle(request, sink);
    } catch (const std::exception& e) {
      spdlog::error("[{}] handler threw: {}", id, e.what());
      sink.emit(ErrorEvent{ErrorCode::internal, std::string("internal error: ") + e.what(), {}});
    }
    try {
      translator->finish(writer);
    } catch (const std::exception& e) {
      spdlog::error("[{}] response translator threw finishing: {}", id, e.what());
    }
    writer.complete(method == "HEAD");
    if (writer.peer_closed()) spdlog::info("[{}] client disconnected", id);
    return writer.status();
  }

  bool read_body(std::istream& in, std::string& body) const {
    char buf[64 * 1024];
    while (in) {
      in.read(buf, sizeof buf);
      body.append(buf, static_cast<size_t>(in.gcount()));
      if (body.size() > cfg_.max_body_bytes) return false;
    }
    return true;
  }

  const config::ServerConfig& cfg_;
  const Router& router_;
  handlers::Handler& handler_;
  std::shared_ptr<std::atomic<bool>> stopping_;
  std::atomic<int>& active_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(const config::ServerConfig& cfg, const Router& router, handlers::Handler& handler,
          std::shared_ptr<std::atomic<bool>> stopping, std::shared_ptr<std::atomic<int>> active)
      : cfg_(cfg), router_(router), handler_(handler), stopping_(std::move(stopping)), active_(std::move(active)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new RequestHandler(cfg_, router_, handler_, stopping_, *active_); // Poco takes ownership
  }

 private:
  const config::ServerConfig& cfg_;
  const Router& router_;
  handlers::Handler& handler_;
  std::shared_ptr<std::atomic<bool>> stopping_;
  std::shared_ptr<std::atomic<int>> active_;
};

} // namespace

bool origin_allowed(const std::vector<std::string>& configured, const std::string& origin) {
  for (const auto& o : configured)
    if (o == "*" || o == origin) return true;
  for (const char* scheme : {"http://", "https://"}) {
    for (const char* host : {"localhost", "127.0.0.1", "[::1]", "0.0.0.0"}) {
      const std::string base = std::string(scheme) + host;
      if (origin == base || (origin.rfind(base + ":", 0) == 0 &&
                             origin.find_first_not_of("0123456789", base.size() + 1) == std::string::npos))
        return true;
    }
  }
  return false;
}

HttpServer::HttpServer(config::ServerConfig cfg, const Router& router, handlers::Handler& handler)
    : cfg_(std::move(cfg)), router_(router), handler_(handler), stopping_(std::make_shared<std::atomic<bool>>(false)),
      active_(std::make_shared<std::atomic<int>>(0)) {}

HttpServer::~HttpServer() {
  if (server_) stop(0);
}

Status HttpServer::start() {
  try {
    Poco::Net::SocketAddress addr(cfg_.host, static_cast<Poco::UInt16>(cfg_.port));
    Poco::Net::ServerSocket socket(addr, 64);
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams; // Poco reference-counts it
    params->setMaxThreads(cfg_.max_connections);
    params->setMaxQueued(cfg_.max_connections * 2);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(cfg_.request_timeout_s, 0));
    pool_ = std::make_unique<Poco::ThreadPool>(2, cfg_.max_connections + 4, 60);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(cfg_, router_, handler_, stopping_, active_), *pool_,
                                                      socket, params);
    listener_ = std::make_unique<Poco::Net::ServerSocket>(socket);
    server_->start();
  } catch (const Poco::Exception& e) {
    return Status::error(ErrorCode::internal, "cannot listen on " + cfg_.host + ":" + std::to_string(cfg_.port) + ": " + e.displayText());
  }
  return Status::success();
}

int HttpServer::active_requests() const { return active_->load(); }

void HttpServer::stop(int grace_s) {
  if (!server_) return;
  stopping_->store(true);
  server_->stop(); // no new connections
  // Poco stops accepting but keeps the socket listening, so new clients would hang in the
  // backlog; closing it makes them see "connection refused" at once.
  try {
    listener_->close();
  } catch (...) {
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(grace_s);
  while (active_requests() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  server_->stopAll(true);
  server_.reset();
  listener_.reset();
  pool_->joinAll();
  pool_.reset();
}

} // namespace llmhost::server
