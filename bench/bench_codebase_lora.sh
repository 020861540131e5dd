#!/usr/bin/env bash
# A short LoRA on SmolLM2-135M fine-tuned on a repository's examples, evaluated on held-out
# API-reference questions against the base model (issue 25's last measurement).
#
#   bash bench/bench_codebase_lora.sh REPO [WORK]     e.g. REPO = an unpacked click sdist
#
# Not run in this project's CI or on its shared 2-core CPU: LoRA there runs at ~117 tokens/s
# (docs/DESIGN.md), so 300 steps of 4 x 512-token examples take ~1.5 h and the eval's greedy
# generation another ~30 min. On one GPU it is a few minutes. Splits are by file, so no held-out
# function's docstring or body was seen in training.
set -euo pipefail
REPO=${1:?usage: $0 REPO [WORK]}
WORK=${2:-/tmp/curate-codebase-lora}
rm -rf "$WORK"
curate ingest "$REPO" --schema codebase --rules code -w "$WORK"
curate dedupe -w "$WORK" --threshold 0.7
# a test split of held-out files; only the API reference task, so the eval scores just that
curate export -w "$WORK" --out "$WORK/export" --val-fraction 0.05 --test-fraction 0.1 \
  --tokenizer smollm2 --max-tokens 512
curate export -w "$WORK" --out "$WORK/export_api" --val-fraction 0.05 --test-fraction 0.1 \
  --tokenizer smollm2 --max-tokens 512 --tasks api_reference
curate train "$WORK/export" --model smollm2 --out "$WORK/adapter" --max-steps 300 \
  --batch-size 4 --max-tokens 512 --lr 3e-4 --lora-r 16 --eval-every 100
# base vs adapter on the held-out API-reference questions (per-task metrics from the schema)
curate eval "$WORK/adapter" --data "$WORK/export_api" --split test -w "$WORK" --limit 200 --json \
  | tee "$WORK/eval_api_reference.json"
