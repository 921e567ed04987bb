#!/bin/sh
# A --cmd implementation that breaks the protocol: answers neither ok, unsupported nor error.
while read -r dir; do echo "maybe"; done
