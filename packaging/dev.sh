#!/usr/bin/env bash
# One entry point for a fresh checkout:
#   bash packaging/dev.sh start [ARGS...]   set up (idempotent) and start the app
#   bash packaging/dev.sh test  [PYTEST ARGS...]   set up (idempotent) and run lint, layer contracts and tests
#   bash packaging/dev.sh setup             only set up
# Setting up means: the Debian libraries Qt needs (when missing and we may install them), a virtual
# environment in .venv, and the project with its dependencies installed into it. A stamp of
# pyproject.toml's hash makes a second run skip the install.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
PY=${PYTHON:-python3}

qt_debian_libs=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 fonts-dejavu-core)

# For the tests that validate the desktop entry and the AppStream metainfo.
test_debian_tools=(desktop-file-utils appstream)

ensure_debian_packages() {
  command -v dpkg-query >/dev/null || return 0
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "note: Qt may need these Debian packages: ${missing[*]} (install them as root)" >&2; return 0
    fi
  fi
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
  [[ -x $VENV/bin/python ]] || "$PY" -m venv "$VENV"
  local stamp=$VENV/.dalle-studio-installed want
  want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
  if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    echo "installing DALL·E Studio and its dependencies into .venv ..." >&2
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    "$VENV/bin/python" -m pip install -q -e ".[dev]"
    echo "$want" >"$stamp"
  fi
}

setup() { ensure_debian_packages "${qt_debian_libs[@]}"; ensure_venv; }

cmd=${1:-start}; shift || true
case "$cmd" in
  setup) setup ;;
  start|run)
    setup
    if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} && -z ${QT_QPA_PLATFORM:-} && $(uname) == Linux ]]; then
      cat >&2 <<'MESSAGE'
No display: DISPLAY and WAYLAND_DISPLAY are unset, so there is no screen to show the window on.
  - On a desktop: run this from a terminal inside your desktop session.
  - Over SSH: connect with "ssh -X" (X forwarding), which sets DISPLAY.
  - Without a screen (a server, CI): run it on a virtual screen with
        xvfb-run -a bash packaging/dev.sh start
    (install it with: sudo apt-get install xvfb), or only check that it starts with
        QT_QPA_PLATFORM=offscreen bash packaging/dev.sh start
MESSAGE
      exit 2
    fi
    exec "$VENV/bin/dalle-studio" "$@" ;;
  test)
    setup
    ensure_debian_packages "${test_debian_tools[@]}" || echo "note: could not install ${test_debian_tools[*]}; their tests will be skipped" >&2
    export QT_QPA_PLATFORM=offscreen PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring
    "$VENV/bin/ruff" check .
    "$VENV/bin/lint-imports"
    exec "$VENV/bin/python" -m pytest "$@" ;;
  *) sed -n '2,8p' "$0"; exit 2 ;;
esac
