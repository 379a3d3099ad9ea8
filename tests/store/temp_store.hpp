// A fresh store folder per test, removed afterwards, plus small GGUF files to fill it with.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/gguf/gguf_writer.hpp"
#include "store/digest.hpp"

namespace llmhost::store::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("llmhost-store-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A tiny GGUF (one F32 tensor) whose content varies with `tag`, so digests differ.
inline std::vector<std::byte> tiny_gguf(const std::string& tag = "a", const std::string& arch = "llama") {
  gguf::Writer w;
  w.set_string("general.architecture", arch);
  w.set_string("general.name", "tiny-" + tag);
  std::vector<std::byte> data(4 * 8, std::byte{0});
  TensorDesc desc;
  desc.type = TensorType::F32;
  desc.ne = {8, 1, 1, 1};
  EXPECT_TRUE(w.add_tensor("token_embd.weight", desc, data).ok());
  auto bytes = w.to_bytes();
  EXPECT_TRUE(bytes.ok()) << bytes.status().message;
  return bytes.ok() ? bytes.value() : std::vector<std::byte>{};
}

inline void write_file(const std::filesystem::path& p, const std::vector<std::byte>& bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline std::string as_string(const std::vector<std::byte>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

inline std::string sha256_hex(const std::vector<std::byte>& bytes) {
  std::istringstream in(as_string(bytes));
  return sha256_of_stream(in).value();
}

} // namespace llmhost::store::testing
