import { runService } from '@ticketyboo/common';
import { authService } from './auth-service';

void runService(authService);
