#!/bin/sh
# A --cmd implementation that declines every case, but answers its third case twice.
n=0
while read -r dir; do
  n=$((n + 1))
  if [ $n -eq 3 ]; then printf 'unsupported\nerror: the answer to an earlier case\n'; else echo unsupported; fi
done
