-- One database per service that owns one (ARCHITECTURE.md), and the account the services use.
CREATE DATABASE IF NOT EXISTS gateway;
CREATE DATABASE IF NOT EXISTS cluster;
CREATE DATABASE IF NOT EXISTS app;
CREATE DATABASE IF NOT EXISTS build;
CREATE DATABASE IF NOT EXISTS dns;
CREATE DATABASE IF NOT EXISTS audit;
CREATE USER IF NOT EXISTS 'platform'@'%' IDENTIFIED BY 'platform';
GRANT ALL PRIVILEGES ON gateway.* TO 'platform'@'%';
GRANT ALL PRIVILEGES ON cluster.* TO 'platform'@'%';
GRANT ALL PRIVILEGES ON app.* TO 'platform'@'%';
GRANT ALL PRIVILEGES ON build.* TO 'platform'@'%';
GRANT ALL PRIVILEGES ON dns.* TO 'platform'@'%';
GRANT ALL PRIVILEGES ON audit.* TO 'platform'@'%';
