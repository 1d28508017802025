#!/bin/sh
# First start of the PostgreSQL container: the `cdp` role and database for the lake's catalog and
# the web app's state, with the password the cdp services read from CDP_CATALOG_PASSWORD.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE cdp LOGIN PASSWORD '${CDP_CATALOG_PASSWORD}';
CREATE DATABASE cdp OWNER cdp;
SQL
