// The user service: profiles from user.registered, GDPR erasure on user.deleted, GET/PATCH /users/me.
import { startUserService } from './app.ts';

await startUserService();
