// `llmhost run MODEL [PROMPT]`: one-shot generation, or an interactive chat when no prompt is
// given. Talks to a host already running at the configured address, else runs one in-process.
#include <unistd.h>

#include <iostream>
#include <sstream>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.hpp"
#include "cli/embedded.hpp"
#include "cli/options.hpp"

namespace llmhost::cli {
namespace {

// Prints deltas as they come; remembers the reply for the chat history.
class TerminalSink final : public EventSink {
 public:
  bool emit(const Event& event) override {
    if (const auto* d = std::get_if<DeltaEvent>(&event)) {
      std::cout << d->text << std::flush;
      reply += d->text;
    } else if (const auto* e = std::get_if<ErrorEvent>(&event)) {
      error = e->message;
    }
    return true;
  }
  bool cancelled() const override { return false; }
  std::string reply;
  std::string error;
};

// Chat through a running host's /api/chat (NDJSON stream). Returns false when no host answers.
bool remote_chat(const config::Config& cfg, const nlohmann::json& body, std::string& reply, std::string& error, bool& reached) {
  reached = false;
  try {
    Poco::Net::HTTPClientSession session(cfg.server.host == "0.0.0.0" ? "127.0.0.1" : cfg.server.host,
                                         static_cast<Poco::UInt16>(cfg.server.port));
    session.setTimeout(Poco::Timespan(3600, 0));
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/api/chat", Poco::Net::HTTPMessage::HTTP_1_1);
    const std::string text = body.dump();
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(text.size()));
    if (!cfg.server.api_keys.empty()) req.set("Authorization", "Bearer " + cfg.server.api_keys.front());
    session.sendRequest(req) << text;
    reached = true;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      if (j.contains("error")) {
        error = j["error"].is_string() ? j["error"].get<std::string>() : j["error"].dump();
        return true;
      }
      if (j.contains("message") && j["message"].contains("content")) {
        const auto piece = j["message"]["content"].get<std::string>();
        std::cout << piece << std::flush;
        reply += piece;
      }
    }
    return true;
  } catch (const std::exception&) {
    return reached;
  }
}

bool host_running(const config::Config& cfg) {
  try {
    Poco::Net::HTTPClientSession session(cfg.server.host == "0.0.0.0" ? "127.0.0.1" : cfg.server.host,
                                         static_cast<Poco::UInt16>(cfg.server.port));
    session.setTimeout(Poco::Timespan(2, 0));
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/api/version", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::string body;
    std::getline(session.receiveResponse(resp), body);
    return resp.getStatus() == Poco::Net::HTTPResponse::HTTP_OK && body.find("version") != std::string::npos;
  } catch (...) {
    return false;
  }
}

} // namespace

int cmd_run(const std::vector<std::string>& argv) {
  auto args = parse_args(argv, {"verbose", "local"});
  if (!args || args->positional.empty()) {
    std::cerr << "usage: llmhost run MODEL [PROMPT] [--local] [--config FILE]\n";
    return 2;
  }
  auto cfg = load_config_or_report(args.value());
  if (!cfg) return 2;
  spdlog::set_level(args->has("verbose") ? spdlog::level::info : spdlog::level::warn);
  const std::string model = args->positional[0];
  std::string prompt;
  for (size_t i = 1; i < args->positional.size(); ++i) prompt += (i > 1 ? " " : "") + args->positional[i];
  const bool interactive = prompt.empty() && isatty(STDIN_FILENO);
  if (prompt.empty() && !interactive) { // piped input is the prompt
    std::stringstream ss;
    ss << std::cin.rdbuf();
    prompt = ss.str();
  }

  std::error_code ec;
  const bool is_path = std::filesystem::is_regular_file(model, ec);
  const bool remote = !is_path && !args->has("local") && host_running(cfg.value());
  std::unique_ptr<Embedded> embedded;
  if (!remote) {
    auto e = start_embedded(cfg.value());
    if (!e) {
      std::cerr << "llmhost: " << e.status().message << "\n";
      return 1;
    }
    embedded = std::move(e.value());
  }

  std::vector<Message> history;
  auto turn = [&](const std::string& text) -> bool {
    history.push_back(Message{"user", text, {}, {}, {}, {}, {}});
    std::string reply, error;
    if (remote) {
      nlohmann::json body{{"model", model}, {"stream", true}, {"messages", nlohmann::json::array()}};
      for (const auto& m : history) body["messages"].push_back({{"role", m.role}, {"content", m.content}});
      bool reached = false;
      remote_chat(cfg.value(), body, reply, error, reached);
      if (!reached) error = "lost the connection to the host";
    } else {
      ChatRequest req;
      req.model = model;
      req.messages = history;
      TerminalSink sink;
      embedded->handler->handle(req, sink);
      reply = sink.reply;
      error = sink.error;
    }
    std::cout << "\n";
    if (!error.empty()) {
      std::cerr << "error: " << error << "\n";
      history.pop_back();
      return false;
    }
    history.push_back(Message{"assistant", reply, {}, {}, {}, {}, {}});
    return true;
  };

  if (!interactive) return turn(prompt) ? 0 : 1;
  std::cout << "Chatting with " << model << ". Type /bye to quit, /clear to forget the conversation.\n";
  for (;;) {
    std::cout << ">>> " << std::flush;
    std::string line;
    if (!std::getline(std::cin, line) || line == "/bye") break;
    if (line.empty()) continue;
    if (line == "/clear") {
      history.clear();
      std::cout << "Cleared.\n";
      continue;
    }
    turn(line);
  }
  return 0;
}

} // namespace llmhost::cli
