#include "file_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace llmhost::testing {

struct FileServer::State {
  std::string name;
  std::string content;
  std::atomic<bool> cut_next{false};
  std::atomic<bool> ranges{true};
  mutable std::mutex mutex;
  std::vector<std::string> ranges_seen;
};

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

void redirect(HTTPServerResponse& response, const std::string& location) {
  response.setStatus(HTTPResponse::HTTP_FOUND);
  response.set("Location", location);
  response.setContentLength(0);
  response.send();
}

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(std::shared_ptr<FileServer::State> state) : state_(std::move(state)) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    const std::string path = request.getURI();
    const std::string file = "/" + state_->name;
    if (path == file) return serve_file(request, response);
    if (path.rfind("/redirect/", 0) == 0) {
      const auto slash = path.find('/', 10);
      const int k = std::stoi(path.substr(10, slash - 10));
      return redirect(response, k == 0 ? file : "/redirect/" + std::to_string(k - 1) + file);
    }
    if (path == "/loop") return redirect(response, "/loop");
    if (path == "/ftp") return redirect(response, "ftp://127.0.0.1/x.gguf");
    response.setStatus(HTTPResponse::HTTP_NOT_FOUND);
    response.setContentLength(9);
    response.send() << "not found";
  }

 private:
  void serve_file(HTTPServerRequest& request, HTTPServerResponse& response) {
    const std::string range = request.get("Range", "");
    {
      std::lock_guard lock(state_->mutex);
      state_->ranges_seen.push_back(range);
    }
    const std::string& content = state_->content;
    size_t first = 0;
    if (state_->ranges && range.rfind("bytes=", 0) == 0) {
      first = std::stoull(range.substr(6));
      if (first >= content.size()) {
        response.setStatus(HTTPResponse::HTTP_REQUESTED_RANGE_NOT_SATISFIABLE);
        response.set("Content-Range", "bytes */" + std::to_string(content.size()));
        response.setContentLength(0);
        response.send();
        return;
      }
      response.setStatus(HTTPResponse::HTTP_PARTIAL_CONTENT);
      response.set("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(content.size() - 1) +
                                        "/" + std::to_string(content.size()));
    }
    response.setContentType("application/octet-stream");
    response.setContentLength64(static_cast<Poco::Int64>(content.size() - first));
    size_t count = content.size() - first;
    if (state_->cut_next.exchange(false)) {
      count /= 2;
      response.setKeepAlive(false); // the server closes the socket after a short body
    }
    std::ostream& out = response.send();
    out.write(content.data() + first, static_cast<std::streamsize>(count));
    out.flush();
  }

  std::shared_ptr<FileServer::State> state_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<FileServer::State> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return std::make_unique<Handler>(state_).release(); // Poco takes ownership
  }

 private:
  std::shared_ptr<FileServer::State> state_;
};

std::shared_ptr<FileServer::State> make_state(std::string name, std::string content) {
  auto state = std::make_shared<FileServer::State>();
  state->name = std::move(name);
  state->content = std::move(content);
  return state;
}

} // namespace

FileServer::FileServer(std::string name, std::string content)
    : state_(make_state(std::move(name), std::move(content))), cut_next_(state_->cut_next), ranges_(state_->ranges) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
  params->setMaxThreads(4);
  server_ = std::make_unique<Poco::Net::HTTPServer>(Poco::makeShared<Factory>(state_), socket, params);
  server_->start();
}

FileServer::~FileServer() { server_->stopAll(true); }

int FileServer::port() const { return server_->port(); }

std::string FileServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

std::vector<std::string> FileServer::range_headers() const {
  std::lock_guard lock(state_->mutex);
  return state_->ranges_seen;
}

} // namespace llmhost::testing
