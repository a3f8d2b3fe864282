#!/usr/bin/env bash
# Set up, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The browser tests drive Debian's chromium (never a Playwright download); a CJK font so
# the page and its screenshot show Chinese, not boxes. We are root in CI.
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || {
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
}
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# Prove the training pipeline end to end on the bundled corpus, into a scratch models
# dir: the shipped model is never touched by CI.
scratch=$(mktemp -d)
.venv/bin/zhibiao train --corpus corpus/indicators.tsv --skip-bad --corrections corpus/corrections.tsv --out "$scratch"
rm -rf "$scratch"
.venv/bin/python -m pytest -q "$@"
