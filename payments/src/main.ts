import { runService } from '@ticketyboo/common';
import { createPaymentsService } from './payments-service';

void runService('payments', (deps) => createPaymentsService(deps));
