import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const moduleFiles = (readdirSync(SRC, { recursive: true }) as string[]).filter(
  (file) => file.endsWith('.module.ts'),
);

describe('the module graph', () => {
  it('has no global module of its own: each module imports what it uses', () => {
    expect(moduleFiles.length).toBeGreaterThan(10);
    const global = moduleFiles.filter((file) =>
      readFileSync(`${SRC}/${file}`, 'utf8').includes('@Global('),
    );
    expect(global).toEqual([]);
  });
});
