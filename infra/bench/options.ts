/** Sizes of each phase: the full run, or `--quick` (CI's smoke run: same phases, smaller). */
export interface BenchOptions {
  quick: boolean;
  connections: number;
  /** Seconds of load per throughput phase (floors, browse). */
  loadSeconds: number;
  floorRows: number;
  /** Orders placed in the order-placement phase, each on its own ticket; their locks are the expiry sample. */
  placementOrders: number;
  embeddedPlacementOrders: number;
  hotTicketBuyers: number;
  propagationSamples: number;
  browseListings: number;
  /** Lock length on start:services: longer than the placement phase, so its locks all expire after it. */
  lockSeconds: number;
  /** `--profile`: the services run with --cpu-prof, writing .cpuprofile files to test-output/bench/profiles. */
  profile: boolean;
  /** `--replicas N`: processes per HTTP service on start:services, and per floor (default 1; production runs at least 2). */
  replicas: number;
  /** `--services-only`: no floors and no npm start, for working on the services' figures. */
  servicesOnly: boolean;
}

export function benchOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const r = argv.indexOf('--replicas');
  const replicas = r >= 0 ? Number(argv[r + 1]) : 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 8) throw new Error('--replicas takes a number from 1 to 8');
  const flags = { profile: argv.includes('--profile'), servicesOnly: argv.includes('--services-only'), replicas };
  return quick
    ? {
        ...flags,
        quick,
        connections: 100,
        loadSeconds: 2,
        floorRows: 20_000,
        placementOrders: 400,
        embeddedPlacementOrders: 200,
        hotTicketBuyers: 1000,
        propagationSamples: 20,
        browseListings: 10_000,
        lockSeconds: 20,
      }
    : {
        ...flags,
        quick,
        connections: 100,
        loadSeconds: 10,
        floorRows: 100_000,
        placementOrders: 10_000,
        embeddedPlacementOrders: 2_000,
        hotTicketBuyers: 1000,
        propagationSamples: 200,
        browseListings: 100_000,
        lockSeconds: 180,
      };
}
