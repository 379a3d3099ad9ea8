// Internal: validates a GGUF image and fills a File. Only gguf_file.cpp uses it.
#pragma once

#include "engine/gguf/gguf_file.hpp"

namespace llmhost::gguf {

class Parser {
 public:
  // Parses file.bytes_ into the file's metadata and tensor tables.
  static Status run(File& file);
};

} // namespace llmhost::gguf
