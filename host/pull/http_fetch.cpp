#include "pull/http_fetch.hpp"

#include <mutex>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/URI.h>
#include <openssl/x509v3.h>

#include "pull/address_policy.hpp"

namespace llmhost::pull {

namespace {

using Poco::Net::IPAddress;

// One TLS client context for the process: certificates verified against the system CA store,
// host names checked, invalid certificates rejected (never prompted for).
Poco::Net::Context::Ptr tls_context() {
  static std::once_flag once;
  static Poco::Net::Context::Ptr context;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    params.loadDefaultCAs = true;
    context = Poco::makeAuto<Poco::Net::Context>(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->enableExtendedCertificateVerification(true);
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, Poco::makeShared<Poco::Net::RejectCertificateHandler>(false), context);
  });
  return context;
}

Status network_error(const std::string& what, const std::string& detail) {
  return Status::error(ErrorCode::internal, what + ": " + detail);
}

// The host's addresses, every one checked against the policy.
Result<std::vector<IPAddress>> checked_addresses(const std::string& host, bool allow_private) {
  std::vector<IPAddress> addresses;
  IPAddress literal;
  if (IPAddress::tryParse(host, literal)) {
    addresses.push_back(literal);
  } else {
    try {
      addresses = Poco::Net::DNS::resolve(host).addresses();
    } catch (const Poco::Exception& e) {
      return network_error("cannot resolve host '" + host + "'", e.displayText());
    }
  }
  if (addresses.empty()) return network_error("cannot resolve host '" + host + "'", "no addresses");
  for (const auto& a : addresses)
    if (Status s = check_address(a, allow_private); !s) return s;
  return addresses;
}

// Poco's own host check also accepts a certificate whose name merely resolves to the address
// asked for; require the name (or IP literal) itself in the certificate.
Status check_certificate_host(const Poco::Net::SecureStreamSocket& socket, const std::string& host) {
  const Poco::Net::X509Certificate certificate = socket.peerCertificate();
  X509* x509 = const_cast<X509*>(certificate.certificate());
  IPAddress literal;
  const bool matches = IPAddress::tryParse(host, literal) ? X509_check_ip_asc(x509, host.c_str(), 0) == 1
                                                          : X509_check_host(x509, host.c_str(), host.size(), 0, nullptr) == 1;
  if (matches) return Status::success();
  return Status::error(ErrorCode::internal, "cannot connect to " + host + ": its TLS certificate is for another host");
}

// Connects to the first reachable checked address; TLS for https with the URL's host name used
// for SNI and certificate verification.
Result<std::unique_ptr<Poco::Net::HTTPClientSession>> connect(const Poco::URI& uri, const FetchOptions& options) {
  auto addresses = checked_addresses(uri.getHost(), options.allow_private);
  if (!addresses) return addresses.status();
  const Poco::Timespan timeout(options.timeout_s, 0);
  std::string last_error = "no address";
  for (const auto& address : addresses.value()) {
    try {
      Poco::Net::StreamSocket socket;
      socket.connect(Poco::Net::SocketAddress(address, uri.getPort()), timeout);
      socket.setReceiveTimeout(timeout);
      socket.setSendTimeout(timeout);
      if (uri.getScheme() == "https") {
        // The handshake happens here, against the checked address, with the URL's host name
        // for SNI and certificate checks. A plain session then talks over the TLS socket
        // (HTTPSClientSession cannot adopt a connected socket); it never reconnects.
        auto secure = Poco::Net::SecureStreamSocket::attach(socket, uri.getHost(), tls_context());
        if (Status s = check_certificate_host(secure, uri.getHost()); !s) return s;
        return std::make_unique<Poco::Net::HTTPClientSession>(secure);
      }
      return std::make_unique<Poco::Net::HTTPClientSession>(socket);
    } catch (const Poco::Exception& e) {
      last_error = e.displayText();
    }
  }
  return network_error("cannot connect to " + uri.getHost(), last_error);
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

} // namespace

HttpResponseStream::HttpResponseStream(std::unique_ptr<Poco::Net::HTTPClientSession> session, std::string url)
    : session_(std::move(session)), url_(std::move(url)) {}

std::optional<uint64_t> HttpResponseStream::content_length() const {
  if (!response_.hasContentLength()) return std::nullopt;
  const auto n = response_.getContentLength64();
  if (n < 0) return std::nullopt;
  return static_cast<uint64_t>(n);
}

Result<std::unique_ptr<HttpResponseStream>> open_url(const std::string& url, std::optional<uint64_t> range_start,
                                                     const FetchOptions& options) {
  std::string current = url;
  for (int hop = 0;; ++hop) {
    Poco::URI uri;
    try {
      uri = Poco::URI(current);
    } catch (const Poco::Exception&) {
      return Status::error(ErrorCode::invalid_request, "invalid url '" + current + "'", "url");
    }
    if (uri.getScheme() != "http" && uri.getScheme() != "https")
      return Status::error(ErrorCode::invalid_request,
                           "refusing to follow " + current + ": only http and https are allowed", "url");
    auto session = connect(uri, options);
    if (!session) return session.status();
    auto response = std::make_unique<HttpResponseStream>(std::move(session.value()), current);
    try {
      std::string target = uri.getPathEtc();
      if (target.empty()) target = "/";
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
      request.setHost(uri.getHost(), uri.getPort());
      request.set("User-Agent", "llmhost");
      request.set("Accept", "*/*");
      if (range_start && *range_start > 0) request.set("Range", "bytes=" + std::to_string(*range_start) + "-");
      response->session_->sendRequest(request);
      response->body_ = &response->session_->receiveResponse(response->response_);
    } catch (const Poco::Exception& e) {
      return network_error("request to " + current + " failed", e.displayText());
    }
    if (!is_redirect(response->status())) return response;
    const std::string location = response->header("Location");
    if (location.empty())
      return network_error("upstream returned HTTP " + std::to_string(response->status()) + " for " + current,
                           "redirect without a Location");
    if (hop >= options.max_redirects)
      return Status::error(ErrorCode::internal, "too many redirects (more than " +
                                                    std::to_string(options.max_redirects) + ") from " + url);
    try {
      current = Poco::URI(uri, location).toString();
    } catch (const Poco::Exception&) {
      return Status::error(ErrorCode::internal, "invalid redirect location from " + current);
    }
  }
}

} // namespace llmhost::pull
