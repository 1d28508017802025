# The cdp worker image: `docker compose up` runs it against the Temporal server in docker-compose.yml.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV CDP_DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/cdp.js"]
CMD ["worker"]
