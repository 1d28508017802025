# The cdp image: `docker compose up` runs its workers and web app against the services in docker-compose.yml.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# DuckDB's lake extensions come from PyPI (cdp setup pip-installs them into .tools/).
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip && rm -rf /var/lib/apt/lists/* \
  && node bin/cdp.js setup
ENV CDP_DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/cdp.js"]
CMD ["worker"]
