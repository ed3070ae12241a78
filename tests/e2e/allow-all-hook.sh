#!/bin/sh
# An allow-everything stand-in for hookwarden (run.sh with E2E_STAND_IN=1):
# reads the payload, answers nothing, exits 0. The suite must FAIL with it
# on every scenario where hookwarden has to stop the call.
cat >/dev/null
exit 0
