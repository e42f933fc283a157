import { runService } from '@ticketyboo/common';
import { expirationService } from './expiration-service';

void runService(expirationService);
