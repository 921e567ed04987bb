#!/bin/sh
# Fails when an ELF file has an empty or relative RUNPATH/RPATH entry: an empty entry (a leading,
# trailing or doubled ':') is the working directory, a relative one is relative to it, so a library
# planted there would run inside the program ($ORIGIN entries are fine: the file's own directory).
#   check_runpath.sh FILE|DIR...   (a directory: every executable and .so below it, CMakeFiles skipped)
#   check_runpath.sh --self-test [CC]
set -eu
command -v readelf >/dev/null || { echo "check_runpath: readelf not found (Debian package binutils)" >&2; exit 2; }
bad=0
checked=0
check() {
  head -c 4 "$1" 2>/dev/null | grep -q 'ELF' || return 0
  checked=$((checked + 1))
  paths=$(readelf -d "$1" 2>/dev/null | sed -n 's/.*(R[UN]*PATH).*\[\(.*\)\]$/\1/p')
  [ -n "$paths" ] || return 0
  printf '%s\n' "$paths" | while IFS= read -r p; do
    rest=$p:
    while [ -n "$rest" ]; do
      entry=${rest%%:*}
      rest=${rest#*:}
      case $entry in
        /* | '$ORIGIN'*) ;;
        '') echo "$1: empty RUNPATH entry in [$p] (the working directory)"; exit 1 ;;
        *) echo "$1: relative RUNPATH entry '$entry' in [$p]"; exit 1 ;;
      esac
    done
  done || bad=$((bad + 1))
}
if [ "${1:-}" = "--self-test" ]; then
  # the check's teeth: built with an empty and with a relative entry, it must reject both
  cc=${2:-cc}
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo 'int main(void) { return 0; }' >"$tmp/main.c"
  "$cc" "$tmp/main.c" -o "$tmp/good" -Wl,--enable-new-dtags,-rpath,/usr/lib:/opt/lib
  "$cc" "$tmp/main.c" -o "$tmp/empty" -Wl,--enable-new-dtags,-rpath,/usr/lib:
  "$cc" "$tmp/main.c" -o "$tmp/relative" -Wl,--disable-new-dtags,-rpath,lib
  sh "$0" "$tmp/good" >/dev/null || { echo "self-test: a good RUNPATH was rejected"; exit 1; }
  for t in empty relative; do
    if sh "$0" "$tmp/$t" >/dev/null; then echo "self-test: the $t entry was not rejected"; exit 1; fi
  done
  echo "check_runpath: self-test passed (empty and relative entries rejected, absolute ones accepted)"
  exit 0
fi
for arg in "$@"; do
  if [ -d "$arg" ]; then
    for f in $(find "$arg" -path '*/CMakeFiles' -prune -o -type f \( -name '*.so' -o -perm -u+x \) -print); do
      check "$f"
    done
  else
    check "$arg"
  fi
done
echo "check_runpath: $checked ELF files, $bad with an empty or relative RUNPATH entry"
[ "$checked" -gt 0 ] && [ "$bad" -eq 0 ]
