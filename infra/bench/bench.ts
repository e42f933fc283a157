import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { measureFloors } from './floors';
import { runLoad } from './load';
import { benchOptions, type BenchOptions } from './options';
import { browse, expiryLateness, hotTicket, placeOrders, propagation, UnlockWatcher } from './phases';
import { chartSvg, cpuPerOrder, markdownTable } from './report';
import { breaches, type BenchResults } from './results';
import { bulkList, listTickets, mintSessions, signUp, inParallel, waitForOrdersReplica } from './seed';
import { apiUrls, startEmbedded, startServices, type SystemUnderTest } from './systems';

const ROOT = resolve(__dirname, '../..');
const PROFILES = join(ROOT, 'test-output/bench/profiles');
const START = '<!-- bench:results -->';
const END = '<!-- /bench:results -->';

/** Each phase's start on the monotonic clock V8's profiles use, so a profile can be cut by phase. */
const marks: { label: string; atMicros: number }[] = [];

function say(msg: string): void {
  marks.push({ label: msg, atMicros: Number(process.hrtime.bigint() / 1000n) });
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

interface Crowd {
  seller: string;
  buyers: string[];
}

/** A seller and a hundred buyers signed up through auth, as users would. */
async function signUpCrowd(sut: SystemUnderTest, o: BenchOptions): Promise<Crowd> {
  const seller = await signUp(sut, 'seller');
  const buyers = await inParallel(Array.from({ length: o.connections }, (_, i) => i), 8, (i) => signUp(sut, `buyer${i}`));
  return { seller, buyers };
}

/**
 * A few seconds of the measured routes' code paths (a buyer's orders, the listings) before any
 * figure is taken, so that the figures are of optimised code, not of V8 compiling it.
 */
async function warmUp(sut: SystemUnderTest, crowd: Crowd, o: BenchOptions): Promise<void> {
  say('warming up');
  const seconds = o.quick ? 2 : 5;
  await runLoad({ url: apiUrls(sut, 'orders'), connections: 10, duration: seconds, cookies: crowd.buyers });
  await runLoad({ url: apiUrls(sut, 'tickets'), connections: 10, duration: seconds });
}

async function onServices(o: BenchOptions, jwtKey: string): Promise<BenchResults['services']> {
  say('starting npm run start:services');
  const sut = await startServices({ jwtKey, lockSeconds: o.lockSeconds, replicas: o.replicas, ...(o.profile ? { profileDir: PROFILES } : {}) });
  try {
    const crowd = await signUpCrowd(sut, o);
    say(`listing ${o.placementOrders + o.propagationSamples + 1} tickets through the API`);
    const [hot] = await listTickets(sut, crowd.seller, 1, 'Hot');
    const forPlacement = await listTickets(sut, crowd.seller, o.placementOrders, 'Placement');
    const forPropagation = await listTickets(sut, crowd.seller, o.propagationSamples, 'Propagation');
    await waitForOrdersReplica(sut, [hot!, ...forPlacement, ...forPropagation], crowd.buyers[0]!);
    await warmUp(sut, crowd, o);
    const watcher = new UnlockWatcher();
    await watcher.start(sut.events!);

    // The crowd and the propagation sample go first: the placement phase's locks then expire
    // together after it, with nothing else running.
    say(`4. ${o.hotTicketBuyers} buyers for one ticket`);
    const hotResult = await hotTicket(sut, mintSessions(jwtKey, o.hotTicketBuyers), hot!);
    say('6. event propagation');
    const propagated = await propagation(sut, crowd.buyers, forPropagation);
    say(`3. placing ${o.placementOrders} orders over ${o.connections} connections`);
    const placement = await placeOrders(sut, crowd.buyers, forPlacement, o.connections);
    say(`7. waiting for the ${o.placementOrders} locks to expire`);
    const expiry = await expiryLateness(sut, watcher, forPlacement, o.lockSeconds);
    await watcher.stop();
    say(`5. browsing ${o.browseListings} listings`);
    await bulkList(sut, o.browseListings);
    const browsed = await browse(sut, o.connections, o.loadSeconds);
    say('end');
    return { placement, hotTicket: hotResult, propagation: propagated, expiry, browse: browsed };
  } finally {
    if (o.profile) {
      await mkdir(PROFILES, { recursive: true });
      await writeFile(join(PROFILES, 'phases.json'), JSON.stringify(marks));
    }
    await sut.stop();
  }
}

async function onEmbedded(o: BenchOptions, jwtKey: string): Promise<BenchResults['embedded']> {
  say('starting npm start');
  // A full run builds the web client as a fresh clone's first start does; a quick one keeps the build.
  const sut = await startEmbedded({ jwtKey, lockSeconds: 900, replicas: 1, clientBuilt: o.quick });
  try {
    await delay(3000); // settle: what it holds with nobody using it
    const idle = sut.footprint!();
    const crowd = await signUpCrowd(sut, o);
    const [hot] = await listTickets(sut, crowd.seller, 1, 'Hot');
    const forPlacement = await listTickets(sut, crowd.seller, o.embeddedPlacementOrders + 1, 'Placement');
    const ready = await waitForOrdersReplica(sut, forPlacement, crowd.buyers[0]!);
    await warmUp(sut, crowd, o);
    say(`8. placing ${ready.length} orders, then ${o.hotTicketBuyers} buyers for one ticket`);
    const placement = await placeOrders(sut, crowd.buyers, ready, o.connections);
    const afterPlacement = sut.footprint!();
    const hotResult = await hotTicket(sut, mintSessions(jwtKey, o.hotTicketBuyers), hot!);
    return { placement, hotTicket: hotResult, startup: sut.startup!, footprint: { idle, afterPlacement } };
  } finally {
    await sut.stop();
  }
}

async function writeReport(r: BenchResults, table: string): Promise<void> {
  const path = join(ROOT, 'BENCHMARKS.md');
  const block = [
    START,
    `Last full run: ${r.date}, ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}; the load generator (autocannon) and every server share the machine.`,
    '',
    table,
    '',
    '![Requests per second beside the floors](infra/bench/benchmarks.svg)',
    END,
  ].join('\n');
  const current = existsSync(path) ? await readFile(path, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  if (from < 0 || to < 0) throw new Error(`BENCHMARKS.md lost its ${START} … ${END} markers`);
  await writeFile(path, current.slice(0, from) + block + current.slice(to + END.length));
  await writeFile(join(__dirname, 'benchmarks.svg'), chartSvg(r));
}

function tableOf(results: BenchResults): string {
  return [
    markdownTable(results),
    '',
    `start:services: ${cpuPerOrder(results.services.placement)}.`,
    `npm start: ${cpuPerOrder(results.embedded.placement)}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const render = argv.indexOf('--render');
  if (render >= 0) {
    // Re-renders BENCHMARKS.md from a run's results.json (after a change to the report's layout).
    const saved = JSON.parse(await readFile(argv[render + 1] ?? join(ROOT, 'test-output/bench/results.json'), 'utf8')) as BenchResults;
    await writeReport(saved, tableOf(saved));
    return;
  }
  const o = benchOptions(argv);
  const jwtKey = randomBytes(32).toString('hex');
  if (o.servicesOnly) {
    console.log(JSON.stringify(await onServices(o, jwtKey), null, 2));
    process.exit(0);
  }
  say(`floors A and B${o.quick ? ' (quick)' : ''}`);
  const floors = await measureFloors(o);
  const services = await onServices(o, jwtKey);
  const embedded = await onEmbedded(o, jwtKey);
  const results: BenchResults = {
    date: new Date().toISOString(),
    quick: o.quick,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version },
    floors,
    services,
    embedded,
  };
  const table = tableOf(results);
  console.log(`\n${table}\n`);
  const outDir = join(ROOT, 'test-output/bench');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), JSON.stringify(results, null, 2));
  // A quick run's figures are too short to stand for anything: only a full run updates the record.
  if (!o.quick) await writeReport(results, table);
  const broken = breaches(results);
  for (const b of broken) console.error(`BREACH: ${b}`);
  process.exit(broken.length > 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
