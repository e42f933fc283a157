import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BACKEND_SERVICES } from '../services/topology';

const ROOT = resolve(__dirname, '../..');

interface Instruction {
  op: string;
  args: string;
}

/** A Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(path: string): Instruction[] {
  const text = readFileSync(path, 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of the last stage: what the image is. */
function finalStage(all: Instruction[]): Instruction[] {
  const lastFrom = all.map((i) => i.op).lastIndexOf('FROM');
  return all.slice(lastFrom);
}

/** .dockerignore's patterns as tests on a path (enough for the patterns it uses: `**` and `*`). */
function dockerignored(): (path: string) => boolean {
  const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((p) => new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*\*\//g, '(?:.*/)?').replace(/(?<!\.)\*/g, '[^/]*')}(?:/.*)?$`));
  return (path) => patterns.some((re) => re.test(path.replace(/\/$/, '')));
}

const images = [...BACKEND_SERVICES.map((s) => s.name), 'client'];

describe('Dockerfiles', () => {
  const ignored = dockerignored();

  it('.dockerignore keeps dependencies, builds, data and git out of the build context', () => {
    for (const p of ['node_modules', 'orders/node_modules', 'orders/dist', 'client/.next', '.git', '.data', 'orders/src/orders.test.ts']) expect(ignored(p)).toBe(true);
    for (const p of ['package.json', 'orders/src/main.ts', 'common/src/index.ts', 'infra/build/bundle-service.ts']) expect(ignored(p)).toBe(false);
  });

  it.each(images)('%s: multi-stage, production dependencies only, non-root, a healthcheck, sources that are in the context', (name) => {
    const all = instructions(join(ROOT, name, 'Dockerfile'));
    expect(all.filter((i) => i.op === 'FROM').length).toBeGreaterThanOrEqual(3);
    expect(all.some((i) => i.op === 'RUN' && i.args.includes(`npm ci --omit=dev --no-audit --no-fund -w @ticketyboo/${name}`))).toBe(true);
    const runtime = finalStage(all);
    const user = runtime.filter((i) => i.op === 'USER').at(-1);
    expect(user?.args).toBe('node');
    expect(runtime.some((i) => i.op === 'HEALTHCHECK' && i.args.includes('CMD'))).toBe(true);
    // Nothing of the build toolchain in the image: only node_modules from the production install, and the build output.
    const copies = runtime.filter((i) => i.op === 'COPY');
    for (const c of copies) expect(c.args).toMatch(/^--from=(deps|build) /);
    expect(copies.some((c) => c.args.startsWith('--from=deps /app/node_modules'))).toBe(true);

    for (const copy of all.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const src of sources) {
        expect({ src, exists: existsSync(join(ROOT, src)), ignored: ignored(src) }).toEqual({ src, exists: true, ignored: false });
      }
    }
  });

  it.each(BACKEND_SERVICES.map((s) => s.name))('%s: runs the bundle that build:service writes, with plain node', (name) => {
    const all = instructions(join(ROOT, name, 'Dockerfile'));
    expect(all).toContainEqual({ op: 'RUN', args: `npm run build:service -- ${name}` });
    const cmd = finalStage(all).filter((i) => i.op === 'CMD').at(-1)!;
    expect(JSON.parse(cmd.args)).toEqual(['node', '--enable-source-maps', `${name}/dist/main.js`]);
    // bundleService's default output, which the test of the bundles runs.
    expect(readFileSync(join(ROOT, 'infra/build/bundle-service.ts'), 'utf8')).toContain("outfile = join(ROOT, service, 'dist/main.js')");
  });
});
