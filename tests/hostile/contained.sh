#!/bin/sh
# contained.sh [-s SIGNAL] COMMAND ARGS...: runs COMMAND in a scratch directory with a private
# TMPDIR and a unique tag in its environment, which everything it starts inherits. With -s, sends
# SIGNAL to COMMAND once it has started a second tagged process (its worker or adapter) and that
# has run for a moment. Afterwards prints
#   contained: exit N, P process(es) left, F file(s) left in TMPDIR
# and exits with COMMAND's status N when nothing was left, else with status 3 (and kills and removes
# what was left). COMMAND sees default signal dispositions (a shell's background job would ignore
# SIGINT).
set -u
sig=""
if [ "${1:-}" = "-s" ]; then sig=$2; shift 2; fi
tag="contained-$$-$(date +%s%N)"
scratch=$(mktemp -d)
tmp=$(mktemp -d)
tagged() {
  grep -l -a -x -z "TCONV_HOSTILE_TAG=$tag" /proc/[0-9]*/environ 2>/dev/null | sed 's,^/proc/\([0-9]*\)/environ$,\1,'
}
count() { tagged | wc -l; }

(cd "$scratch" && exec env --default-signal TCONV_HOSTILE_TAG="$tag" TMPDIR="$tmp" "$@") &
pid=$!
if [ -n "$sig" ]; then
  i=0
  while kill -0 $pid 2>/dev/null && [ "$(count)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  sleep 0.3
  kill -s "$sig" $pid 2>/dev/null
fi
wait $pid
rc=$?
# processes killed with SIGKILL take a moment to go
i=0
while [ "$(count)" -gt 0 ] && [ $i -lt 5 ]; do sleep 0.1; i=$((i + 1)); done
left=$(count)
files=$(find "$tmp" -mindepth 1 | wc -l)
echo "contained: exit $rc, $left process(es) left, $files file(s) left in TMPDIR"
if [ "$left" -gt 0 ]; then
  echo "contained: left running:"; for p in $(tagged); do tr '\0' ' ' < /proc/$p/cmdline; echo; done | head -5
  for p in $(tagged); do kill -KILL "$p" 2>/dev/null; done
fi
[ "$files" -gt 0 ] && find "$tmp" -mindepth 1 | head -5
rm -rf "$scratch" "$tmp"
if [ "$left" -gt 0 ] || [ "$files" -gt 0 ]; then exit 3; fi
exit $rc
