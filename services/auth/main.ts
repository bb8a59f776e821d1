// The auth service: registration, login, tokens, verification, password reset, deletion (specs/openapi/auth.yaml).
// Environment: PORT (8081), DATABASE_URL, RABBITMQ_URL, JWT_PRIVATE_KEY_FILE / JWT_PUBLIC_KEY_FILE
// (.data/keys/jwt-{private,public}.jwk.json, created when absent), ACCESS_TOKEN_TTL_SECONDS (900),
// REFRESH_TOKEN_TTL_SECONDS (30 days), LOCKOUT_THRESHOLD (5), LOCKOUT_SECONDS (900), LINK_SEAL_PUBLIC_KEY_FILE
// (notification's key sealing link tokens in events; default beside the JWT private key).
import { startAuthService } from './app.ts';

await startAuthService();
