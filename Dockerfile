# syntax=docker/dockerfile:1
# The image of docker-compose.yml's api, consumer and migrate services: the compiled JS on
# Node 24 LTS with production dependencies only, run as the image's unprivileged `node` user.
# Pinned to the same Node as .nvmrc; bump both together.
ARG NODE_VERSION=24.22.3

# --- build: every dependency, tsc, and the runtime assets (Lua, dashboard) copied into dist/
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.ts ./scripts/
COPY src ./src
RUN npm run build

# --- runtime: package.json, the lock file, production dependencies and dist/, nothing else
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# JSON logs for the log collector, even under `docker run -t` (a terminal would get pino-pretty).
ENV NODE_ENV=production LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# The consumer overrides the port in docker-compose.yml (its /health/live is on METRICS_PORT).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "dist/bootstrap/entrypoints/healthcheck.js"]
# Plain node, not npm: signals reach the process directly and shutdown stays graceful.
CMD ["node", "dist/bootstrap/entrypoints/main-api.js"]
