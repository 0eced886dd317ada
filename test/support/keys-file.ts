import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface KeysFile {
  path: string;
  /** Replaces the file's content (as YAML, or the raw text given). */
  write(content: Record<string, unknown> | string): Promise<void>;
  remove(): Promise<void>;
}

/** The `sha256:` of a key in KEYS_FILE. */
export const sha256Of = (key: string) =>
  createHash('sha256').update(key).digest('hex');

/** Writes a KEYS_FILE in its own temporary directory. */
export async function writeKeysFile(
  content: Record<string, unknown>,
): Promise<KeysFile> {
  const dir = await mkdtemp(join(tmpdir(), 'keys-'));
  const path = join(dir, 'keys.yaml');
  const write = (next: Record<string, unknown> | string) =>
    writeFile(path, typeof next === 'string' ? next : stringify(next));
  await write(content);
  return {
    path,
    write,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
