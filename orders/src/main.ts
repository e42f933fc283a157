import { runService } from '@ticketyboo/common';
import { createOrdersService } from './orders-service';

void runService('orders', createOrdersService);
