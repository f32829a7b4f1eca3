# Shared helpers for scripts/run, scripts/test and .ci/run. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mError: %s\033[0m\n' "$*" >&2; exit 1; }

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

# Find a Python 3.12 or newer: $ATTUNE_PYTHON, then the usual names, then pyenv's installs
# (a pyenv shim for a version that is not selected refuses to run, so we look behind it).
find_python() {
  local candidate
  for candidate in "${ATTUNE_PYTHON:-}" python3.14 python3.13 python3.12 python3 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
    if [ -x "$candidate" ] && python_ok "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

# Create or update .venv from a lock file ("runtime" or "test"); skipped when nothing changed.
ensure_venv() {
  local lock="$ROOT/requirements/$1.lock"
  local stamp="$VENV/.attune-$1.sha256"
  local want
  want="$(cat "$lock" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ ! -x "$VENV/bin/python" ] || ! python_ok "$VENV/bin/python"; then
    local python
    python="$(find_python)" || fail "Attune needs Python 3.12 or newer. Install it (for example 'apt-get install python3.12' or 'pyenv install 3.12') or set ATTUNE_PYTHON to its path."
    say "Creating a virtual environment in .venv with $("$python" --version)"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
  fi
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "Python packages are up to date ($1 lock)"
  else
    say "Installing pinned Python packages from requirements/$1.lock"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock" 2> >(grep -v "is ignored: it is neither" >&2)
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e "$ROOT" 2> >(grep -v "is ignored: it is neither" >&2)
    rm -f "$VENV"/.attune-*.sha256
    echo "$want" > "$stamp"
  fi
}

# Install the pinned front-end packages with npm and copy them into static files.
ensure_assets() {
  local stamp="$ROOT/node_modules/.attune-lock.sha256"
  local want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -d "$ROOT/attune/core/static/vendor" ]; then
    command -v npm >/dev/null 2>&1 || fail "npm is needed for the NHS.UK front-end assets. Install Node.js 20 or newer."
    say "Installing pinned front-end packages (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error 2> >(grep -v "nodedir" >&2))
    echo "$want" > "$stamp"
    "$VENV/bin/python" "$ROOT/scripts/build_assets.py"
  else
    say "Front-end assets are up to date"
  fi
}
