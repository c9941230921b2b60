# The worker and the API (one image, two commands). Build: docker build -t failback-orchestrator .
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production FAILBACK_API_HOST=0.0.0.0 FAILBACK_LOG_PRETTY=0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 8080
# Override with dist/src/main/api.js for the API.
CMD ["node", "dist/src/main/worker.js"]
