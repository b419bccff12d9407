// Writing a recording atomically, for both writers (recorder.ts for runs, proxy-recorder.ts for
// the proxy): everything goes into a hidden temporary directory next to DIR, and `commitRecording`
// moves it into place only after every written byte was searched for every secret the redactor
// knows. An interrupted recording leaves the previous one or none, never a broken one, and a
// recording in which a known secret appears is never left behind.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { RecordingError } from './errors.js';
import {
  metaFileName,
  recordingFormat,
  recordingFormatVersion,
  type RecordingDescription,
  type RecordingMeta,
  type RecordingSummary,
  type SegmentMeta,
} from './recording-format.js';
import { toolName, toolVersion } from '../tool-info.js';
import type { WrittenBytes } from './written-bytes.js';
import { mapConcurrently } from '../concurrency.js';
import type { SecretRedactor } from '../secrets/registry.js';
import { SecretScanner } from '../secrets/secret-scan.js';
import { tokenSecretPlaceholder } from '../secrets/placeholders.js';

/** The temporary directory a recording of DIR is written into (created; DIR checked replaceable). */
export async function openWorkDir(dir: string): Promise<string> {
  assertReplaceable(dir);
  const workDir = join(dirname(dir), `.${basename(dir)}.recording-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  await mkdir(workDir, { recursive: true });
  return workDir;
}

/** What a recorder saw, for meta.json. */
export interface RecordedSegments {
  description: RecordingDescription;
  /** Pseudonyms in order of first appearance. */
  identities: string[];
  redactHeaders?: readonly string[];
  redactFields?: readonly string[];
  segments: SegmentMeta[];
  /** Files of the working directory already flushed to the disk (the writer synced each as it closed it). */
  synced?: ReadonlySet<string>;
  /** What was written to them, kept: scanned where it is instead of read back. */
  written?: WrittenBytes;
}

/** meta.json from what a recorder saw, then `commitRecording`; what was written. */
export async function commitSegments(
  workDir: string,
  dir: string,
  recorded: RecordedSegments,
  redactor: SecretRedactor,
): Promise<RecordingSummary> {
  const { description, segments } = recorded;
  const meta: RecordingMeta = {
    format: recordingFormat,
    formatVersion: recordingFormatVersion,
    kind: description.kind,
    tool: { name: toolName, version: toolVersion },
    createdAt: new Date().toISOString(),
    target: description.target,
    ...(description.run ? { run: description.run } : {}),
    identities: recorded.identities,
    redaction: { headers: [...(recorded.redactHeaders ?? [])], fields: [...(recorded.redactFields ?? [])] },
    segments,
  };
  await commitRecording(workDir, dir, meta, redactor, { synced: recorded.synced, written: recorded.written });
  return {
    dir,
    segments: segments.length,
    exchanges: segments.reduce((n, s) => n + s.exchanges, 0),
    transportErrors: segments.reduce((n, s) => n + s.transportErrors.length, 0),
  };
}

/** What a writer knows of the files it wrote. */
export interface WrittenFiles {
  /** Already flushed to the disk: not synced again. */
  synced?: ReadonlySet<string>;
  /** Their bytes, kept: searched where they are, not read back. */
  written?: WrittenBytes;
}

/**
 * Write meta.json, scan every file of the working directory for every known secret, sync
 * (those not synced yet), move into place. On any failure the working directory is removed and
 * the error thrown (a leak is a RecordingError).
 */
export async function commitRecording(
  workDir: string,
  dir: string,
  meta: RecordingMeta,
  redactor: SecretRedactor,
  { synced = new Set(), written }: WrittenFiles = {},
): Promise<void> {
  try {
    await writeFile(join(workDir, metaFileName), `${JSON.stringify(meta, null, 2)}\n`);
    const files = await listFiles(workDir);
    const secrets = redactor.knownSecrets();
    // Each file read in chunks: a proxy's recording may be far larger than memory allows. A few
    // at a time: searching costs less than waiting for the reads, one file after another.
    const scanner = new SecretScanner(secrets);
    const found = await mapConcurrently(files.length, scanConcurrency, async (i) => {
      const kept = written?.contentOf(files[i]!);
      return kept ? scanner.scanBytes(kept) : scanner.scanFile(files[i]!);
    });
    for (const [i, path] of files.entries()) {
      const secretIndex = found[i];
      if (secretIndex === undefined) continue;
      const placeholder = redactor.text(secrets[secretIndex]!);
      throw new RecordingError(
        `the recording was not written: a secret (${describeSecret(placeholder)}) still appears in ${relative(workDir, path)} after redaction; ` +
          'name the field or header that carries it with --redact-field/--redact-header',
      );
    }
    // All at once: the disk takes them together (about a quarter of the time of one after another).
    await Promise.all(files.filter((path) => !synced.has(path)).map(syncFile));
    await moveIntoPlace(workDir, dir);
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

/** Files scanned at once (libuv's threads, by default). */
const scanConcurrency = 4;

function describeSecret(placeholder: string): string {
  if (placeholder.startsWith('<identity-')) return `the bearer token of ${placeholder}`;
  if (placeholder === tokenSecretPlaceholder) return 'a token secret';
  return placeholder;
}

/**
 * `--record DIR` replaces a previous recording, never anything else: a directory that exists, is
 * not empty and has no meta.json is refused (think `--record .`).
 */
function assertReplaceable(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new RecordingError(`--record ${dir}: exists and is not a directory`);
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(metaFileName)) {
    throw new RecordingError(`--record ${dir}: the directory is not empty and is not a recording; refusing to replace it`);
  }
}

/** Every file under `root`, in directory order; the directories read side by side (a run's recording has one per case). */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const listed = await Promise.all(
    entries.map((entry) => {
      const path = join(root, entry.name);
      return entry.isDirectory() ? listFiles(path) : [path];
    }),
  );
  return listed.flat();
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Swap the finished recording into place: the old one is renamed away first, then removed. */
async function moveIntoPlace(workDir: string, dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  let old: string | undefined;
  if (existsSync(dir)) {
    assertReplaceable(dir);
    old = join(dirname(dir), `.${basename(dir)}.old-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    await rename(dir, old);
  }
  try {
    await rename(workDir, dir);
  } catch (error) {
    if (old) await rename(old, dir).catch(() => undefined);
    throw error;
  }
  if (old) await rm(old, { recursive: true, force: true });
}
