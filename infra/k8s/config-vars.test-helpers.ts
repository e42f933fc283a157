import { runAloneConfig, type ServiceDefinition } from '@ticketyboo/common';
import { authService } from '@ticketyboo/auth';
import { ticketsService } from '@ticketyboo/tickets';
import { ordersService } from '@ticketyboo/orders';
import { expirationService } from '@ticketyboo/expiration';
import { paymentsService } from '@ticketyboo/payments';

const DEFINITIONS: readonly ServiceDefinition[] = [authService, ticketsService, ordersService, expirationService, paymentsService];

/**
 * The environment variables a service declares in its schema, as it runs alone in a pod: what its
 * Deployment may set, and which of them it must (no default).
 */
export function configVars(service: string): { declared: string[]; required: string[] } {
  const definition = DEFINITIONS.find((d) => d.name === service);
  if (!definition) throw new Error(`no service definition named ${service}`);
  const shape = runAloneConfig(definition.config).shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  const declared = Object.keys(shape).sort();
  return { declared, required: declared.filter((name) => !shape[name]!.safeParse(undefined).success) };
}
