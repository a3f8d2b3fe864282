#!/usr/bin/env bash
# Set up, then review the bundled sample document (seed 001, 16 projects).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
# --fail-on never: the sample is full of defects, and here that is the point, not a failure.
.venv/bin/zhibiao score examples/001_f5f4a8cbd5432af0.txt --fail-on never
