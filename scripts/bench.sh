#!/usr/bin/env bash
# Speed check against llama.cpp on a synthetic Llama-3.2-1B-shaped model (2048 wide, 16 layers,
# 32 heads / 8 KV heads, FFN 8192, the 32000-token vocabulary of ggml-vocab-llama-spm.gguf):
# writes the models once (build/bench/), measures memory bandwidth, runs `llmhost bench`
# (pp512 / tg128 by default) per weight type and prints tokens/s, the ratio to llama.cpp's
# figures on these machines, and decode speed as a fraction of the bandwidth limit.
#   THREADS=2 REPS=3 TYPES="Q4_0 Q8_0 Q4_K_M" BACKEND=cpu scripts/bench.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
threads="${THREADS:-2}"
reps="${REPS:-3}"
types="${TYPES:-Q4_0 Q8_0 Q4_K_M}"
backend="${BACKEND:-cpu}"
vocab="${VOCAB:-$root/../shared/testdata/vocab/ggml-vocab-llama-spm.gguf}"
out="$build/bench"
mkdir -p "$out"
bash "$root/scripts/build.sh" >/dev/null

if [ ! -f "$vocab" ]; then echo "bench: vocabulary $vocab not found (set VOCAB=...)" >&2; exit 1; fi
for t in $types; do
  model="$out/llama-1b-$t.gguf"
  [ -f "$model" ] || "$build/bin/llmhost-gguf" synth --arch llama --n-embd 2048 --n-layer 16 --n-head 32 \
      --n-head-kv 8 --n-ff 8192 --ctx 4096 --tied --type "$t" --seed 42 --vocab "$vocab" -o "$model" >/dev/null
done

membw="$("$build/bin/llmhost-membw" -t "$threads" -o json)"
results="$out/results.json"
echo "[" > "$results"
first=1
for t in $types; do
  json="$(LLMHOST_BACKEND="$backend" "$build/bin/llmhost" bench -m "$out/llama-1b-$t.gguf" -p 512 -n 128 \
          -t "$threads" -r "$reps" -o json)"
  [ $first -eq 1 ] || echo "," >> "$results"
  first=0
  printf '{"type": "%s", "file_bytes": %s, "runs": %s}' "$t" "$(stat -c %s "$out/llama-1b-$t.gguf")" "$json" >> "$results"
done
echo "]" >> "$results"

python3 - "$results" "$membw" "$threads" "$backend" <<'PY'
import json, sys
results = json.load(open(sys.argv[1])); bw = json.loads(sys.argv[2]); threads = sys.argv[3]; backend = sys.argv[4]
# llama.cpp (llama-bench, 2 threads) on the same machines and files, as given in issue 4.
ref = {"Q4_0": (198, 43.9), "Q8_0": (83, 25.7), "Q4_K_M": (119, 29.9)}
print(f"backend {backend}, {threads} threads, memory read bandwidth {bw['best_gbps']:.1f} GB/s")
print("| type | pp512 t/s | vs llama.cpp | tg128 t/s | vs llama.cpp | tg GB/s | of bandwidth |")
print("| ---- | --------: | -----------: | --------: | -----------: | ------: | -----------: |")
for r in results:
    pp = next((x for x in r["runs"] if x["n_prompt"] > 0), None)
    tg = next((x for x in r["runs"] if x["n_gen"] > 0), None)
    rp, rt = ref.get(r["type"], (None, None))
    def fmt(x): return f"{x['avg_ts']:.1f} ± {x['stddev_ts']:.1f}" if x else "-"
    def ratio(x, base): return f"{x['avg_ts'] / base:.2f}x" if x and base else "-"
    gbs = tg["avg_ts"] * r["file_bytes"] / 1e9 if tg else 0
    print(f"| {r['type']} | {fmt(pp)} | {ratio(pp, rp)} | {fmt(tg)} | {ratio(tg, rt)} | {gbs:.1f} | {gbs / bw['best_gbps'] * 100:.0f}% |")
PY
