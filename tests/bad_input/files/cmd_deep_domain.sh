#!/bin/sh
# A protocol command (tconv explore --cmd) that declares its domain (README "Declaring a domain")
# as JSON nested 32,000 deep (just under the 64 KiB limit): refused with exit 2 naming "ranks",
# without exhausting the stack.
while read -r dir; do
  if [ -e "$dir/domain-request" ]; then
    awk 'BEGIN { s = "{\"ranks\": "; for (i = 0; i < 32000; i++) s = s "["; for (i = 0; i < 32000; i++) s = s "]"; printf "%s}", s }' >"$dir/domain.json"
  fi
  echo unsupported
done
