#!/usr/bin/env bash
# Put DALL·E Studio in the desktop's application menu for the current user (no root needed):
#   bash install-desktop.sh [--exec COMMAND]   install (or update) the menu entry, icons and AppStream metainfo
#   bash install-desktop.sh --uninstall        remove them again
# COMMAND is what the menu entry starts. Without --exec: the one-folder build's program when this script sits
# beside it, else `dalle-studio` on PATH (a wheel or source install). Files go under ${XDG_DATA_HOME:-~/.local/share}:
# applications/dalle-studio.desktop, icons/hicolor/*/apps/dalle-studio.{png,svg}, metainfo/dalle-studio.metainfo.xml.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
ID=dalle-studio
SIZES=(16 22 24 32 48 64 128 256 512)

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }

# The desktop file, metainfo and icons: beside this script in a one-folder build (share/), or in the checkout.
find_sources() {
  if [[ -f $HERE/share/$ID.desktop ]]; then
    DESKTOP=$HERE/share/$ID.desktop METAINFO=$HERE/share/$ID.metainfo.xml ICONS=$HERE/share/icons
  else
    local root; root=$(cd "$HERE/../.." && pwd)
    DESKTOP=$HERE/$ID.desktop METAINFO=$HERE/$ID.metainfo.xml ICONS=$root/resources/icons
  fi
  for f in "$DESKTOP" "$METAINFO" "$ICONS/$ID.svg"; do
    [[ -f $f ]] || { echo "install-desktop: $f is missing" >&2; exit 1; }
  done
}

find_command() {
  if [[ -n ${EXEC:-} ]]; then
    command -v -- "$EXEC" >/dev/null || { echo "install-desktop: $EXEC is not a program" >&2; exit 1; }
    EXEC=$(command -v -- "$EXEC")
  elif [[ -x $HERE/$ID && ! -d $HERE/$ID ]]; then
    EXEC=$HERE/$ID
  elif command -v "$ID" >/dev/null; then
    EXEC=$(command -v "$ID")
  else
    echo "install-desktop: no '$ID' program found: install the wheel first, or pass --exec /path/to/$ID" >&2
    exit 1
  fi
  [[ $EXEC == /* ]] || EXEC=$PWD/$EXEC
}

# Desktop Entry quoting: an argument with spaces or reserved characters goes in double quotes, with \ " ` $ escaped.
quote_exec() {
  local s=$1
  if [[ $s =~ [[:space:]\"\'\\\`\$\;\&\|\<\>\(\)\*\?\#~] ]]; then
    s=${s//\\/\\\\\\\\}; s=${s//\"/\\\\\"}; s=${s//\`/\\\\\`}; s=${s//\$/\\\\\$}
    s="\"$s\""
  fi
  printf '%s' "$s"
}

# sed's replacement treats \ and & specially, and | is our delimiter.
sed_escape() { local s=${1//\\/\\\\}; s=${s//&/\\&}; s=${s//|/\\|}; printf '%s' "$s"; }

refresh_caches() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$DATA/applications" || true
  command -v gtk-update-icon-cache >/dev/null && [[ -f $DATA/icons/hicolor/index.theme ]] \
    && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
}

install_files() {
  find_sources
  find_command
  mkdir -p "$DATA/applications" "$DATA/metainfo" "$DATA/icons/hicolor/scalable/apps"
  local exec_q; exec_q=$(quote_exec "$EXEC")
  local sed_exec sed_path
  sed_exec=$(sed_escape "$exec_q")
  sed_path=$(sed_escape "${EXEC//\\/\\\\}")  # TryExec is a plain string: only its backslashes are escaped
  sed -e "s|^Exec=$ID |Exec=$sed_exec |" -e "s|^TryExec=$ID\$|TryExec=$sed_path|" "$DESKTOP" \
    >"$DATA/applications/$ID.desktop.tmp"
  mv "$DATA/applications/$ID.desktop.tmp" "$DATA/applications/$ID.desktop"
  install -m 0644 "$METAINFO" "$DATA/metainfo/$ID.metainfo.xml"
  install -m 0644 "$ICONS/$ID.svg" "$DATA/icons/hicolor/scalable/apps/$ID.svg"
  for size in "${SIZES[@]}"; do
    local png=$ICONS/hicolor/${size}x${size}/apps/$ID.png
    [[ -f $png ]] || continue
    mkdir -p "$DATA/icons/hicolor/${size}x${size}/apps"
    install -m 0644 "$png" "$DATA/icons/hicolor/${size}x${size}/apps/$ID.png"
  done
  refresh_caches
  echo "installed the menu entry for $EXEC under $DATA"
}

uninstall_files() {
  rm -f "$DATA/applications/$ID.desktop" "$DATA/metainfo/$ID.metainfo.xml" \
    "$DATA/icons/hicolor/scalable/apps/$ID.svg"
  for size in "${SIZES[@]}"; do rm -f "$DATA/icons/hicolor/${size}x${size}/apps/$ID.png"; done
  refresh_caches
  echo "removed the menu entry, icons and metainfo from $DATA"
}

action=install EXEC=
while [[ $# -gt 0 ]]; do
  case $1 in
    --exec) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; EXEC=$2; shift 2 ;;
    --exec=*) EXEC=${1#--exec=}; shift ;;
    --uninstall) action=uninstall; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
if [[ $action == install ]]; then install_files; else uninstall_files; fi
