#!/usr/bin/env bash
# Installs what trainlab's tests need from the OS: Jupyter (classic Notebook, client,
# nbclient, nbconvert, ipykernel, the kernel conformance suite), python3-venv (for
# scripts/venv.js, which installs JupyterLab 4 / Notebook 7 into .venv/) and Chromium for
# the browser tests.
# Debian/Ubuntu, as root. Idempotent: quiet when everything is present.
set -euo pipefail

debs=(jupyter-notebook jupyter-client python3-nbclient jupyter-nbconvert python3-ipykernel python3-jupyter-kernel-test python3-venv chromium)

missing=()
for p in "${debs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<MSG
setup-system: this script installs with apt-get (Debian/Ubuntu) and none was found.
Install these yourself: Jupyter Notebook with nbclient and nbconvert (e.g. 'pip install
notebook nbclient nbconvert') and Chromium; then run 'npm test' again.
Missing: ${missing[*]}
MSG
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null 2>&1 || { echo "setup-system: run as root (or install sudo) to apt-get install: ${missing[*]}" >&2; exit 1; }
else
  SUDO=
fi
echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-system: done"
