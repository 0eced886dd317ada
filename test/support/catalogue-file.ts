import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface CatalogueFile {
  path: string;
  remove(): Promise<void>;
}

/** Writes a MODELS_FILE (as YAML) in its own temporary directory. */
export async function writeCatalogue(
  catalogue: Record<string, unknown>,
): Promise<CatalogueFile> {
  const dir = await mkdtemp(join(tmpdir(), 'models-'));
  const path = join(dir, 'models.yaml');
  await writeFile(path, stringify(catalogue));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
