// The format plugin modules load from disk with dlopen, export the descriptor and nothing else
// of ours, and create working FormatPlugin objects.
#include <dlfcn.h>

#include <cstring>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "llmhost/format.hpp"

namespace llmhost {
namespace {

struct LibraryCloser {
  void operator()(void* handle) const { dlclose(handle); }
};
using Library = std::unique_ptr<void, LibraryCloser>;

class FormatModule : public ::testing::TestWithParam<const char*> {};

TEST_P(FormatModule, DescriptorIsRightAndPluginWorks) {
  const std::string name = GetParam();
  const std::string path = std::string(LLMHOST_BUILD_DIR) + "/plugins/libllmhost-" + name + ".so";
  Library lib(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL));
  ASSERT_TRUE(lib) << "dlopen " << path << ": " << dlerror();

  const auto* d = static_cast<const llmhost_plugin_v1*>(dlsym(lib.get(), LLMHOST_PLUGIN_SYMBOL));
  ASSERT_NE(d, nullptr) << "missing " << LLMHOST_PLUGIN_SYMBOL;
  EXPECT_EQ(d->struct_size, sizeof(llmhost_plugin_v1));
  EXPECT_EQ(d->kind, static_cast<uint32_t>(PluginKind::format));
  EXPECT_STREQ(d->name, name.c_str());
  EXPECT_STREQ(d->version, "0.1.0");
  EXPECT_EQ(d->abi_major, LLMHOST_ABI_MAJOR);
  EXPECT_LE(d->abi_minor, LLMHOST_ABI_MINOR);
  EXPECT_STREQ(d->toolchain, LLMHOST_TOOLCHAIN);
  EXPECT_EQ(d->score, nullptr);
  ASSERT_NE(d->create, nullptr);
  ASSERT_NE(d->destroy, nullptr);

  // Hidden visibility: the translators' symbols stay inside the module.
  EXPECT_EQ(dlsym(lib.get(), "_ZN7llmhost6openai12OpenAIFormat6routesEv"), nullptr);

  {
    std::unique_ptr<Plugin, void (*)(Plugin*)> plugin(d->create(), d->destroy);
    ASSERT_NE(plugin, nullptr);
    // The descriptor says "format", so the object is a FormatPlugin (as the host assumes).
    auto* format = static_cast<FormatPlugin*>(plugin.get());
    ASSERT_NE(format, nullptr);
    const auto prefixes = format->path_prefixes();
    ASSERT_EQ(prefixes.size(), 1u);
    EXPECT_EQ(prefixes[0], name == "openai" ? "/v1/" : "/api/");
    EXPECT_FALSE(format->routes().empty());
    // Invalid JSON comes back as a 400 in the format's own shape.
    const Route route = name == "openai" ? Route{"POST", "/v1/chat/completions"} : Route{"POST", "/api/chat"};
    HttpRequest req;
    req.method = "POST";
    req.path = route.path;
    req.body = "{oops";
    const Translation t = format->translate_request(route, req);
    ASSERT_TRUE(std::holds_alternative<WireResponse>(t));
    EXPECT_EQ(std::get<WireResponse>(t).status, 400);
    EXPECT_NE(std::get<WireResponse>(t).body.find("\"error\""), std::string::npos);
  } // the plugin dies before its library unloads
}

INSTANTIATE_TEST_SUITE_P(Formats, FormatModule, ::testing::Values("openai", "native"));

} // namespace
} // namespace llmhost
