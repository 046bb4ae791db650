import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Takes the lock file at `path` for this process (the file holds its pid). A lock whose process
 * died is taken over, by one process only: two processes can find the same dead owner at once,
 * and the one that did not take the lock over must not share what it guards.
 */
export function takeLock(path: string): boolean {
  if (create(path)) return true;
  if (heldByLiveProcess(path)) return false;
  // Only the holder of the takeover file removes a stale lock, after checking its owner again
  // (another process may have taken it over in between). A process that cannot get the takeover
  // file gives up on this lock: losing one is safe, sharing one is not.
  const takeover = takeoverPath(path);
  if (!create(takeover)) return false;
  try {
    if (heldByLiveProcess(path)) return false;
    rmSync(path, { force: true });
    return create(path);
  } finally {
    rmSync(takeover, { force: true });
  }
}

/** Removes a lock and its takeover file (when what it guards is gone). */
export function removeLock(path: string): void {
  rmSync(path, { force: true });
  rmSync(takeoverPath(path), { force: true });
}

const takeoverPath = (path: string): string => `${path}.takeover`;

/** Creates the file with this process's pid; false when it exists. */
function create(path: string): boolean {
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Whether a live process holds the lock. A file that is still empty is being written: held. */
function heldByLiveProcess(path: string): boolean {
  let owner: string;
  try {
    owner = readFileSync(path, 'utf8');
  } catch {
    return false; // released in the meantime
  }
  return owner === '' || isAlive(Number(owner));
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
