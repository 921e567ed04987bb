#!/usr/bin/env bash
# Bad declarations (cmd_declares.sh NAME): each ends explore with exit 2 naming the key and the
# rule; a probe never answered is a note, and the campaign goes on without a domain (exit 0).
set -uo pipefail
tconv=$1 declares=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
fail=0
expect() {  # NAME STATUS FRAGMENT [explore arguments...]
  local name=$1 want=$2 fragment=$3 out rc
  shift 3
  out=$("$tconv" explore --cmd "sh $declares $name" --cases 5 "$@" 2>&1)
  rc=$?
  if [ "$rc" != "$want" ] || ! grep -Fq -- "$fragment" <<<"$out"; then
    echo "FAIL $name: exit $rc (expected $want), output lacks '$fragment':" >&2
    echo "$out" >&2
    fail=1
  fi
}
expect invalid_json 2 'domain.json: not valid JSON'
expect not_object 2 '"(top level)": must be a JSON object (got [1])'
expect unknown_key 2 '"rank": unknown key (known: ranks, groups, dilation, stride, batch, padding,'
expect bad_groups 2 '"groups": must be true (any), false (only 1) or an integer >= 1 (at most that) (got "yes")'
expect bad_padding 2 '"padding": must be one of none, symmetric, asymmetric (got "left")'
expect empty_ranks 2 '"ranks": must be a non-empty list of distinct ranks 1, 2, 3 (got [])'
expect rank3_only 2 '"ranks": the declared ranks leave none within --max-rank 1' --max-rank 1
expect fifo 2 'domain.json: is not a regular file'
expect hang 0 'no answer line to the domain probe within 0.3' --timeout 0.3 --startup-timeout 0
[ "$fail" = 0 ] && echo PASS
exit $fail
