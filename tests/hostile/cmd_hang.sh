#!/bin/sh
# A --cmd implementation that never answers: it waits in a child process of its own.
while read -r dir; do sleep 1000; done
