import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './manifests.test-helpers';

const READS = [
  /\benv\.([A-Z][A-Z0-9_]*)/g,
  /\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g,
  /\b(?:intFromEnv|requiredEnv)\(\s*\w+\s*,\s*'([A-Z][A-Z0-9_]*)'/g,
  /\bportFromEnv\(\s*\w+\s*,\s*\w+\s*,\s*'([A-Z][A-Z0-9_]*)'/g,
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'testing' ? [] : sources(path);
    return entry.endsWith('.ts') && !/\.test(-helpers)?\.ts$/.test(entry) ? [path] : [];
  });
}

/**
 * The environment variables a service's code reads, found in its source and common's (tests and
 * test helpers aside): what its Deployment must set, so none is left to a default by accident.
 */
export function envVarsRead(service: string): string[] {
  const names = new Set<string>();
  for (const file of [...sources(join(ROOT, service, 'src')), ...sources(join(ROOT, 'common/src'))]) {
    const text = readFileSync(file, 'utf8');
    for (const re of READS) for (const m of text.matchAll(re)) names.add(m[1]!);
  }
  return [...names].sort();
}
