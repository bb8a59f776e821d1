# syntax=docker/dockerfile:1
# One image per service of the platform, from one multi-stage file: `docker build --target order .`
# Every target runs as the unprivileged `node` user with a health check on the service's /ready (the
# gateway's needs GATEWAY_OPS_TOKEN, which the check sends when it is set).
# Not built on the machine this repository is developed on (it has no Docker engine); compose.yaml
# is validated against the Compose Specification's schema in scripts/deploy.test.ts instead.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY . .
# contracts:check fails the build when the committed generated/ does not match the specs;
# scripts/build.ts compiles what the services run to .build/ (JavaScript; no type stripping at run
# time); then only what runs stays.
RUN pnpm install --frozen-lockfile \
 && pnpm -s contracts:check \
 && node scripts/build.ts --clean \
 && NEXT_TELEMETRY_DISABLED=1 pnpm --dir services/storefront build \
 && pnpm prune --prod --config.ignore-scripts=true

FROM ${NODE_IMAGE} AS service
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
ARG SERVICE
ENV SERVICE=${SERVICE} PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const t = process.env.GATEWAY_OPS_TOKEN; fetch(`http://127.0.0.1:${process.env.PORT}/ready`, { headers: t ? { authorization: `Bearer ${t}` } : {} }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The flags are scripts/platform.ts's SERVICE_NODE_FLAGS plus "compiled only".
CMD ["sh", "-c", "exec node --max-semi-space-size=4 --no-experimental-strip-types .build/services/${SERVICE}/main.js"]

FROM service AS gateway
ENV SERVICE=gateway
FROM service AS auth
ENV SERVICE=auth
FROM service AS user
ENV SERVICE=user
FROM service AS product
ENV SERVICE=product
FROM service AS order
ENV SERVICE=order
FROM service AS payment
ENV SERVICE=payment
FROM service AS stock
ENV SERVICE=stock
FROM service AS notification
ENV SERVICE=notification
FROM service AS dashboard
ENV SERVICE=dashboard
FROM service AS audit
ENV SERVICE=audit

# The storefront (Next.js): `next start` on the build made above; it calls the gateway at GATEWAY_URL.
FROM ${NODE_IMAGE} AS storefront
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
WORKDIR /app/services/storefront
CMD ["sh", "-c", "exec node node_modules/next/dist/bin/next start -p ${PORT}"]
