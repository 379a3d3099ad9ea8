#!/usr/bin/env bash
# The main job: install what is missing, build, and start the host on 127.0.0.1:11434 with the
# repository's default configuration. Extra arguments go to `llmhost serve`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
exec "$root/build/bin/llmhost" serve --config "$root/host/config/llmhost.yaml" "$@"
