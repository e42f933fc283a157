import { runService } from '@ticketyboo/common';
import { ticketsService } from './tickets-service';

void runService(ticketsService);
