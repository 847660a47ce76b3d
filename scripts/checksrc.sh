#!/bin/sh
exec node "$(dirname "$0")/checksrc.mjs" "$@"
