// `npm run demo`: fills a running, empty marketplace with believable demo data.
import { parseArgs } from 'node:util';
import { DemoError } from './api-session';
import { runDemo } from './run-demo';
import { summary } from './summary';

const usage = `Usage: npm run demo -- [--url URL] [--seed N] [--force] [--wait SECONDS]

  --url     the marketplace (default: DEMO_URL, else http://localhost:3000)
  --seed    another seed makes another demo (default 14)
  --force   add the demo data even though the marketplace already has listings
  --wait    how long to wait for the marketplace to answer (default 300)`;

function options() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.DEMO_URL ?? 'http://localhost:3000' },
      seed: { type: 'string', default: '14' },
      force: { type: 'boolean', default: false },
      wait: { type: 'string', default: '300' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const seed = Number(values.seed);
  const waitSeconds = Number(values.wait);
  if (values.help || !Number.isInteger(seed) || !(waitSeconds >= 0)) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  return { url: values.url.replace(/\/+$/, ''), seed, force: values.force, waitSeconds };
}

async function main(): Promise<void> {
  const opts = options();
  try {
    const result = await runDemo({ ...opts, today: new Date(), say: (line) => console.log(line) });
    console.log(`\n${summary(result, opts.url)}`);
  } catch (err) {
    if (!(err instanceof DemoError)) throw err;
    console.error(err.message);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
