import { runService } from '@ticketyboo/common';
import { paymentsService } from './payments-service';

void runService(paymentsService);
