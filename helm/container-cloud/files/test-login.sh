#!/bin/sh
# helm test: the gateway answers ready, and the user (the first admin unless USERNAME says) logs in
# and gets a token. GATEWAY and PASSWORD come from the environment.
set -eu
curl -fsS --max-time 10 "$GATEWAY/actuator/health/readiness" > /dev/null
echo "gateway ready at $GATEWAY"
user=${USERNAME:-admin}
answer=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' \
  -d "{\"username\":\"$user\",\"password\":\"$PASSWORD\"}" "$GATEWAY/api/auth/login")
case "$answer" in
  *'"access_token":"'*) echo "$user logged in" ;;
  *) echo "no token in the login answer" >&2; exit 1 ;;
esac
