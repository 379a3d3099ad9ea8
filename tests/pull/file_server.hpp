// A small HTTP server on 127.0.0.1 (ephemeral port) inside the test process, serving one file
// the way download hosts do: Range requests (206), redirects, errors, and on request a
// connection cut half-way through the body.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <Poco/Net/HTTPServer.h>

namespace llmhost::testing {

// Routes:
//   /<name>                 the file (Range: bytes=N- honoured unless ranges are disabled)
//   /redirect/<k>/<name>    302 -> /redirect/<k-1>/<name>, /redirect/0/<name> -> /<name>
//   /loop                   302 -> /loop
//   /ftp                    302 -> ftp://127.0.0.1/x.gguf
//   anything else           404
class FileServer {
 public:
  FileServer(std::string name, std::string content);
  ~FileServer();
  FileServer(const FileServer&) = delete;
  FileServer& operator=(const FileServer&) = delete;

  int port() const;
  std::string url(const std::string& path) const; // http://127.0.0.1:<port><path>

  // The next file response sends only half of its body, then closes the connection.
  void cut_next_response() { cut_next_ = true; }
  void set_ranges_supported(bool on) { ranges_ = on; }
  // The Range header of each file request ("" when none), in order.
  std::vector<std::string> range_headers() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::atomic<bool>& cut_next_;
  std::atomic<bool>& ranges_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

} // namespace llmhost::testing
