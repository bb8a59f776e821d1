// The auth service: registration, login, tokens, verification, password reset, deletion (specs/openapi/auth.yaml).
import { startAuthService } from './app.ts';

await startAuthService();
