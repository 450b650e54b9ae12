#!/usr/bin/env bash
# Copies the Node binary that runs this script's caller (node on PATH) and the
# shared libraries it needs into <dir>/rootfs, for base/Containerfile.
# Prints <dir>. Does nothing when <dir> already holds the same binary.
set -euo pipefail
dir=${1:?usage: make-rootfs.sh <dir>}
node_bin=$(node -p process.execPath)
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$dir/rootfs/usr/local/bin/node" ] || ! cmp -s "$node_bin" "$dir/rootfs/usr/local/bin/node"; then
  rm -rf "$dir/rootfs"
  mkdir -p "$dir/rootfs/usr/local/bin" "$dir/rootfs/tmp" && chmod 1777 "$dir/rootfs/tmp"
  cp "$node_bin" "$dir/rootfs/usr/local/bin/node"
  for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do cp -L --parents "$lib" "$dir/rootfs/"; done
  echo "copied $node_bin ($(node -v)) and its libraries" >&2
fi
cp "$here/Containerfile" "$dir/Containerfile"
echo "$dir"
