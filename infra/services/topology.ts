/** One backend service of the marketplace as the launcher, the gateway and the manifests see it. */
export interface BackendService {
  name: 'auth' | 'tickets' | 'orders' | 'expiration' | 'payments';
  /** Its entry point, relative to the repository root. */
  entry: string;
  /** The path prefix the ingress (and the local gateway) sends to it; none for a worker. */
  prefix?: string;
}

/** In start order: a service's consumers come up before the services that publish to them serve traffic. */
export const BACKEND_SERVICES: readonly BackendService[] = [
  { name: 'auth', entry: 'auth/src/main.ts', prefix: '/api/users' },
  { name: 'tickets', entry: 'tickets/src/main.ts', prefix: '/api/tickets' },
  { name: 'orders', entry: 'orders/src/main.ts', prefix: '/api/orders' },
  { name: 'expiration', entry: 'expiration/src/main.ts' },
  { name: 'payments', entry: 'payments/src/main.ts', prefix: '/api/payments' },
];

/** The Next.js client: everything no backend prefix claims goes to it, as in the ingress. */
export const CLIENT = { name: 'client', prefix: '/' } as const;

export type ProcessName = BackendService['name'] | typeof CLIENT.name;

export const PROCESS_NAMES: readonly ProcessName[] = [...BACKEND_SERVICES.map((s) => s.name), CLIENT.name];
