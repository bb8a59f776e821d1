// The gateway: the only public HTTP edge (specs/openapi/gateway.yaml).
// Environment: PORT (8080), GATEWAY_HOST (0.0.0.0), AUTH_URL, USER_URL, PRODUCT_URL, ORDER_URL, PAYMENT_URL,
// DASHBOARD_URL (default http://127.0.0.1:<service port>), RATE_LIMIT_IP (100/10s), RATE_LIMIT_USER (50/10s),
// GATEWAY_BODY_LIMIT (1mb), UPSTREAM_TIMEOUT_MS (30000), GATEWAY_TRUST_PROXY (false), JWT_PUBLIC_KEY_FILE,
// GATEWAY_OPS_TOKEN (none: /ready and /metrics answer 404; else they need `Authorization: Bearer <token>`).
import { startGateway } from './app.ts';

await startGateway();
