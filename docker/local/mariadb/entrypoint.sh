#!/bin/sh
# First start (an empty data folder): the system tables, the init files, then the root password
# for local and remote logins. Every start: the server in the foreground, as mysql.
set -eu
data=/var/lib/mysql
if [ ! -d "$data/mysql" ]; then
  : "${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD is required}"
  chown mysql:mysql "$data"
  mariadb-install-db --user=mysql --datadir="$data" --skip-test-db --auth-root-authentication-method=socket >/dev/null
  mariadbd --user=mysql --datadir="$data" --skip-networking --socket=/run/mysqld/init.sock &
  server=$!
  tries=0
  until mariadb-admin --socket=/run/mysqld/init.sock ping --silent 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 60 ] || { echo "MariaDB did not start to initialize" >&2; exit 1; }
    sleep 1
  done
  for file in /docker-entrypoint-initdb.d/*.sql; do
    [ -f "$file" ] && mariadb --socket=/run/mysqld/init.sock < "$file"
  done
  # the password as a SQL string literal: backslashes and quotes doubled
  password=$(printf '%s' "$MYSQL_ROOT_PASSWORD" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g")
  mariadb --socket=/run/mysqld/init.sock <<SQL
CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$password';
FLUSH PRIVILEGES;
SQL
  kill "$server"
  wait "$server" || true
fi
exec mariadbd --user=mysql --datadir="$data" --bind-address=0.0.0.0 --port=3306
