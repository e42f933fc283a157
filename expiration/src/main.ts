import { runService } from '@ticketyboo/common';
import { createExpirationService } from './expiration-service';

void runService('expiration', createExpirationService);
