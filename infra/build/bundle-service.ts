import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(__dirname, '../..');
const BUILTINS = new Set(builtinModules);

export interface Bundle {
  file: string;
  /** The npm packages the bundle still imports: the image must install them. */
  packages: string[];
}

/**
 * Keeps every npm package out of the bundle (installed by `npm ci --omit=dev` in the image, native
 * and data files intact) and bundles the workspace's own TypeScript, which has no build of its own.
 */
const externalPackages = (packages: Set<string>): Plugin => ({
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@ticketyboo/')) return undefined;
      if (!BUILTINS.has(args.path) && !args.path.startsWith('node:')) packages.add(packageName(args.path));
      return { path: args.path, external: true };
    });
  },
});

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Compiles a service's entry point (`<service>/src/main.ts`) and the workspace code it uses into
 * one CommonJS file, what its container runs with plain `node`: no TypeScript at run time.
 */
export async function bundleService(service: string, outfile = join(ROOT, service, 'dist/main.js')): Promise<Bundle> {
  const packages = new Set<string>();
  await build({
    entryPoints: [join(ROOT, service, 'src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [externalPackages(packages)],
  });
  return { file: outfile, packages: [...packages].sort() };
}

if (require.main === module) {
  const [service, outfile] = process.argv.slice(2);
  if (!service) {
    console.error('usage: npm run build:service -- <service> [outfile]');
    process.exit(2);
  }
  bundleService(service, outfile && resolve(outfile)).then(
    (b) => console.log(`${b.file} (imports ${b.packages.join(', ')})`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
