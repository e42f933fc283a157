import { runService } from '@ticketyboo/common';
import { createAuthService } from './auth-service';

void runService('auth', createAuthService);
