#!/bin/sh
# A --cmd implementation that answers the domain probe with a bad declaration, named by $1, and
# declines every case; each must end explore with exit 2 naming the key and the rule, never hang
# (hang: no answer to the probe at all).
while read -r dir; do
  if [ -e "$dir/domain-request" ]; then
    case "$1" in
      invalid_json) printf '{"ranks": [1' >"$dir/domain.json" ;;
      not_object) printf '[1]' >"$dir/domain.json" ;;
      unknown_key) printf '{"rank": [1]}' >"$dir/domain.json" ;;
      bad_groups) printf '{"groups": "yes"}' >"$dir/domain.json" ;;
      bad_padding) printf '{"padding": "left"}' >"$dir/domain.json" ;;
      empty_ranks) printf '{"ranks": []}' >"$dir/domain.json" ;;
      rank3_only) printf '{"ranks": [3]}' >"$dir/domain.json" ;;
      fifo) mkfifo "$dir/domain.json" ;;
      hang) sleep 100 ;;  # never answers the probe: explore goes on without a domain
    esac
  fi
  echo unsupported
done
