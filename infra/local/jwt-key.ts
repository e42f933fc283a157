import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaseConfig } from '@ticketyboo/common';

/**
 * JWT_KEY if set; otherwise a key generated on first start and kept in the data folder, so
 * sessions survive restarts. In production a missing JWT_KEY is an error, never a silent default.
 */
export async function loadJwtKey(config: Pick<BaseConfig, 'JWT_KEY' | 'NODE_ENV'>, dataDir: string): Promise<string> {
  if (config.JWT_KEY) return config.JWT_KEY;
  if (config.NODE_ENV === 'production') throw new Error('JWT_KEY must be set when NODE_ENV=production');
  const file = join(dataDir, 'jwt.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(48).toString('base64url');
  // 'wx': if another process wrote it first, fail rather than overwrite, then read theirs.
  try {
    await writeFile(file, key, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return (await readFile(file, 'utf8')).trim();
  }
}
