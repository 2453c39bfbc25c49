#!/usr/bin/env bash
# Debian packages the tests need: a real browser (chromium) for the web tests, a real SPARQL
# server (Virtuoso) for the scale-out tests, Java for the HermiT reasoner, LibreOffice (Writer,
# headless) to make the test PDFs, and Tesseract with its Vietnamese model to OCR scans.
# Installs only what is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)  # HermiT (owlready2) runs on Java
# the Makefile's virtual environment (.venv): Debian ships venv's ensurepip in python3-venv
"${PYTHON:-python3}" -c "import ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)  # DOCX -> PDF test fixtures
fc-list 2>/dev/null | grep -q "DejaVu Serif" || need+=(fonts-dejavu-core)  # the fixtures' font (Vietnamese glyphs)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)  # OCR of scanned PDFs
tesseract --list-langs 2>/dev/null | grep -qx vie || need+=(tesseract-ocr-vie)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
