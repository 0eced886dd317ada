import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Static value imports and re-exports (`import type` and `export type` load nothing). */
const IMPORT =
  /^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/**
 * Every module `entry` loads when it is imported, by following its static
 * value imports through src/ (dynamic `import()` is not followed: it runs
 * later, if at all). Packages are listed by name.
 */
function loadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(IMPORT)) {
      if (specifier.startsWith('.')) {
        visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      } else {
        seen.add(specifier.split('/')[0]);
      }
    }
  };
  visit(resolve(SRC, entry));
  return seen;
}

describe('loading the configuration', () => {
  // main.ts validates the environment and the catalogue before it imports
  // the app module; that step must not pay for the providers or their SDKs.
  const loaded = [...loadedBy('config/load-environment.ts')].map((file) =>
    file.startsWith(SRC) ? file.slice(SRC.length + 1) : file,
  );

  it('loads the catalogue and the provider definitions', () => {
    expect(loaded).toContain('llm/catalogue/catalogue-loader.ts');
    expect(loaded).toContain('llm/providers/ernie/ernie.definition.ts');
  });

  it('loads no upstream provider and not the openai SDK', () => {
    expect(loaded).not.toContain('openai');
    // The mock's definition imports its class, which has no SDK and no
    // network code.
    const providers = loaded.filter(
      (file) =>
        /\/(?:[\w-]+\.provider|[\w-]+-response-reader|ernie-access-token-source)\.ts$/.test(
          file,
        ) && file !== 'llm/providers/mock/mock.provider.ts',
    );
    expect(providers).toEqual([]);
  });
});
