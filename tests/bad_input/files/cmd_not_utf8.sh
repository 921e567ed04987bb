#!/bin/sh
# A protocol command (tconv explore --cmd) whose every answer is an error message that is not
# UTF-8 (bytes FF FE) and holds a terminal escape: the finding must still reach the JSON report.
while read -r dir; do
  printf 'error: \377\376 not utf-8 \033[2J\n'
done
