// Pulls a GGUF file into the model store: resolve the source, download (resuming a partial file
// left by an interrupted pull), verify size and sha256, move it into blobs/ and write the
// manifest. Used by /api/pull (CommonHandler) and `llmhost pull`.
#pragma once

#include <functional>

#include "llmhost/events.hpp"
#include "llmhost/requests.hpp"
#include "llmhost/status.hpp"
#include "pull/http_fetch.hpp"
#include "store/model_store.hpp"

namespace llmhost::pull {

// Receives progress ("pulling manifest", "downloading" with total/completed bytes, "verifying
// sha256 digest", "writing manifest", "success"); returning false cancels the pull, leaving
// the partial download for a later resume.
using ProgressFn = std::function<bool(const ProgressEvent&)>;

// `request.model` / `request.source_url` as in resolve_source(); `request.sha256` optional hex.
// Returns the stored model. Errors: invalid_request (bad source, name or digest, refused
// address, digest mismatch, not a GGUF file), internal (network and upstream HTTP errors),
// cancelled (progress returned false). Messages never carry absolute paths.
Result<store::ModelEntry> pull_model(store::ModelStore& store, const PullModelRequest& request,
                                     const FetchOptions& options, const ProgressFn& progress);

// blobs/partial-<name> for a download of `url` expecting `sha256_hex` (may be empty): named by
// the digest when known, else by the hash of the URL, so a later pull of the same thing resumes.
std::string partial_file_name(const std::string& url, const std::string& sha256_hex);

} // namespace llmhost::pull
