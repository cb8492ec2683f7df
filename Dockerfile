# Image for the api, consumer and migrate services of docker-compose.yml.
# TypeScript runs directly with tsx (a runtime dependency), so there is no build step.
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so editing the source does not reinstall them.
# Full `npm ci` (dev dependencies included): migrations and scripts may need them. NODE_ENV
# is set only afterwards, because npm ci skips dev dependencies when it is "production".
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
ENV NODE_ENV=production

COPY --chown=node:node . .

USER node
EXPOSE 3000
CMD ["npm", "run", "start:api"]
