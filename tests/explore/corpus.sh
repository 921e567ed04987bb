#!/usr/bin/env bash
# The corpus is a regression database: a finding is saved there, replays with the printed
# command, and every later run replays it first (failing again against the buggy plugin,
# passing against the correct one).
set -euo pipefail
tconv=$1 plugins=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }

set +e
out=$("$tconv" explore --impl "$plugins/unflipped.so" --cases 500 --max-findings 1 --corpus corpus 2>&1); rc=$?
set -e
echo "$out"
[ "$rc" = 1 ] || fail "first run: exit $rc, expected 1"
entries=(corpus/*/)
[ ${#entries[@]} = 1 ] || fail "expected one corpus entry, got ${#entries[@]}"
for f in problem.json x.npy w.npy; do [ -f "${entries[0]}$f" ] || fail "corpus entry lacks $f"; done

# the printed replay command reproduces it
replay=$(grep -E '^  replay: ' <<<"$out" | sed 's/^  replay: *tconv /"$tconv" /')
set +e
rout=$(eval "$replay" 2>&1); rc=$?
set -e
echo "$rout"
[ "$rc" = 1 ] || fail "replay: exit $rc, expected 1"
grep -q "COUNTEREXAMPLE REPRODUCED" <<<"$rout" || fail "replay did not reproduce"

# later runs replay the corpus first: the fixed implementation passes it...
out=$("$tconv" explore --impl "$plugins/correct.so" --cases 50 --corpus corpus 2>&1) || fail "correct plugin failed the corpus"
echo "$out"
grep -q "corpus: 1 stored case replayed" <<<"$out" || fail "the corpus was not replayed"
# ...and the buggy one fails it before any generated case
set +e
out=$("$tconv" explore --impl "$plugins/unflipped.so" --cases 0 --corpus corpus 2>&1); rc=$?
set -e
echo "$out"
[ "$rc" = 1 ] || fail "corpus replay against the bug: exit $rc, expected 1"
grep -q "FOUND wrong_result in corpus entry" <<<"$out" || fail "the corpus entry did not fail again"
echo PASS
