// Files this tool writes appear whole or not at all: write a sibling temp file, fsync, rename.
// A process that exits mid-write (a second SIGINT) removes its temp files on the way out.
import { rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

const pendingTempFiles = new Set<string>();
let exitHookInstalled = false;

function removePendingTempFiles(): void {
  for (const temp of pendingTempFiles) rmSync(temp, { force: true });
  pendingTempFiles.clear();
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  if (!exitHookInstalled) {
    process.once('exit', removePendingTempFiles);
    exitHookInstalled = true;
  }
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  pendingTempFiles.add(temp);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    pendingTempFiles.delete(temp);
  }
}
