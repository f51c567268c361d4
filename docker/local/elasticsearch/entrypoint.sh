#!/bin/bash
# Every variable whose name is a lower-case setting with dots (discovery.type=single-node) is given
# to the node as -E, as the official image does. bash, not sh: dash drops such names from the
# environment.
set -eu
set --
for setting in $(env | sed -n 's/^\([a-z0-9_]*\.[a-z0-9_.]*\)=.*/\1/p'); do
  set -- "$@" -E "$setting=$(printenv "$setting")"
done
ES_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
export ES_JAVA_HOME
exec /usr/share/elasticsearch/bin/elasticsearch "$@"
