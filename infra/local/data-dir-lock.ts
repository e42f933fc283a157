import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Alive and, where /proc tells, a Node process: after a reboot the pid may belong to anything. */
async function isNodeProcess(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined || cmdline.includes('node');
}

export class DataDirInUse extends Error {
  override name = 'DataDirInUse';
}

/**
 * Claims the data folder for this process, so that a second `npm start` on it exits instead of
 * stopping the first one's database. The claim is a file holding our pid, created exclusively; a
 * claim whose process is gone (a run killed with SIGKILL) is taken over. Resolves with its release.
 */
export async function claimDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, 'ticketyboo.pid');
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw inUse(err, dataDir, file);
    }
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (holder && holder !== process.pid && (await isNodeProcess(holder))) {
      throw new DataDirInUse(
        `Another Ticketyboo (pid ${holder}) is already running on ${dataDir}. Stop it first, or give this one another folder: DATA_DIR=./other-data npm start`,
      );
    }
    await rm(file, { force: true });
  }
}

function inUse(err: unknown, dataDir: string, file: string): Error {
  if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
    return new DataDirInUse(`Another Ticketyboo is starting on ${dataDir} (${file}). Stop it first, or give this one another DATA_DIR.`);
  }
  return err as Error;
}
