#!/bin/sh
# Regenerates test/unit/dsl/corpus/python-bodies.json with Python's elasticsearch.dsl (9.x, from
# PyPI) in a virtualenv under node_modules/.cache (created on first use). Needs python3.11+.
set -eu
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-python3}"
VENV=node_modules/.cache/dsl-corpus-venv
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check 'elasticsearch==9.*'
exec "$VENV/bin/python" scripts/dsl-corpus/generate.py "$@"
