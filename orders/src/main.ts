import { runService } from '@ticketyboo/common';
import { ordersService } from './orders-service';

void runService(ordersService);
