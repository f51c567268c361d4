#!/bin/sh
# helm test: the gateway answers ready, and the first admin logs in and gets a token.
set -eu
curl -fsS --max-time 10 "$GATEWAY/actuator/health/readiness" > /dev/null
echo "gateway ready at $GATEWAY"
answer=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$GATEWAY/api/auth/login")
case "$answer" in
  *'"access_token":"'*) echo "admin logged in" ;;
  *) echo "no token in the login answer" >&2; exit 1 ;;
esac
