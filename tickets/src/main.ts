import { runService } from '@ticketyboo/common';
import { createTicketsService } from './tickets-service';

void runService('tickets', createTicketsService);
