# Worker image: runs `npm run worker` against the cluster named by TEMPORAL_ADDRESS.
FROM node:20.20.2-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY data ./data
COPY scripts ./scripts
# The worker needs no Temporal binary: it connects to the server container.
CMD ["node", "--import", "tsx", "src/cli/main.ts", "worker"]
