#!/usr/bin/env bash
# Build what users install (see packaging/README.md):
#   bash packaging/build.sh wheel       dist/dalle_studio-VERSION-py3-none-any.whl and the sdist, then a check that the
#                                       wheel installs into a fresh venv and starts (--version, an offscreen start)
#   bash packaging/build.sh onefolder   dist/dalle-studio/ (the program, its libraries, desktop files) and
#                                       dist/dalle-studio-VERSION-linux-ARCH.tar.gz, frozen by PyInstaller from the wheel
#   bash packaging/build.sh smoke       packaging/smoke.py on the one-folder program
#   bash packaging/build.sh all         the three in turn (the default)
# Tools (build, PyInstaller) go into their own venv, $BUILD_VENV (default build/venv), never the project's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
BUILD_VENV=${BUILD_VENV:-$ROOT/build/venv}
DIST=$ROOT/dist
VERSION=$("$PY" -c 'import ast,sys; t=ast.parse(open("dalle_studio/__init__.py").read());
print(next(n.value.value for n in t.body if isinstance(n, ast.Assign) and n.targets[0].id == "__version__"))')
WHEEL=$DIST/dalle_studio-$VERSION-py3-none-any.whl
ONEFOLDER=$DIST/dalle-studio

# pip's chatter (and any index warnings of the machine's pip config) goes to a log; shown when pip fails.
pip_quiet() { "$@" -q >"$ROOT/build/pip.log" 2>&1 || { tail -30 "$ROOT/build/pip.log" >&2; return 1; }; }
say() { printf '\n== %s\n' "$*" >&2; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

tools() {
  [[ -x $BUILD_VENV/bin/python ]] || "$PY" -m venv "$BUILD_VENV"
  pip_quiet "$BUILD_VENV/bin/python" -m pip install --upgrade pip build "pyinstaller>=6.10"
}

wheel() {
  tools
  say "wheel and sdist $VERSION"
  local start; start=$(date +%s)
  rm -f "$DIST"/dalle_studio-"$VERSION"*
  "$BUILD_VENV/bin/python" -m build --outdir "$DIST" . >"$ROOT/build/wheel.log" 2>&1 \
    || { tail -30 "$ROOT/build/wheel.log" >&2; exit 1; }
  echo "built $(basename "$WHEEL") ($(du -h "$WHEEL" | cut -f1)) and the sdist in $(seconds_since "$start") s" >&2

  say "the wheel in a fresh venv"
  local check=$ROOT/build/wheel-check
  rm -rf "$check" && "$PY" -m venv "$check/venv"
  pip_quiet "$check/venv/bin/python" -m pip install "$WHEEL"
  "$check/venv/bin/dalle-studio" --version
  "$check/venv/bin/python" "$ROOT/packaging/smoke.py" "$check/venv/bin/dalle-studio"
}

onefolder() {
  tools
  [[ -f $WHEEL ]] || wheel
  say "one-folder application (PyInstaller)"
  local start; start=$(date +%s)
  # Freeze the installed wheel, not the checkout: the bundle then holds exactly what the wheel ships.
  pip_quiet "$BUILD_VENV/bin/python" -m pip install --force-reinstall --no-deps "$WHEEL"
  pip_quiet "$BUILD_VENV/bin/python" -m pip install "$WHEEL"
  rm -rf "$ONEFOLDER"
  (cd "$ROOT/build" && "$BUILD_VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath "$DIST" \
    --workpath "$ROOT/build/pyinstaller" "$ROOT/packaging/pyinstaller/dalle-studio.spec")
  # Beside the program: what install-desktop.sh puts in the menu.
  mkdir -p "$ONEFOLDER/share/icons"
  cp packaging/linux/dalle-studio.desktop packaging/linux/dalle-studio.metainfo.xml "$ONEFOLDER/share/"
  cp -r resources/icons/dalle-studio.svg resources/icons/hicolor "$ONEFOLDER/share/icons/"
  install -m 0755 packaging/linux/install-desktop.sh "$ONEFOLDER/install-desktop.sh"
  local tarball; tarball=$DIST/dalle-studio-$VERSION-linux-$(uname -m).tar.gz
  tar -C "$DIST" -czf "$tarball" dalle-studio
  echo "built $ONEFOLDER ($(du -sh "$ONEFOLDER" | cut -f1)) and $(basename "$tarball") ($(du -h "$tarball" | cut -f1))" \
    "in $(seconds_since "$start") s" >&2
}

smoke() {
  [[ -x $ONEFOLDER/dalle-studio ]] || onefolder
  say "smoke test of the one-folder program"
  "$PY" "$ROOT/packaging/smoke.py" "$ONEFOLDER/dalle-studio"
}

mkdir -p "$ROOT/build"
case ${1:-all} in
  wheel) wheel ;;
  onefolder) onefolder ;;
  smoke) smoke ;;
  all) wheel; onefolder; smoke ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
