import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** `client/` at the project root, from `src/client/` and from `dist/client/` alike. */
const CLIENT_ROOT = fileURLToPath(new URL('../../client', import.meta.url));
/** The folder of a package's entry file (`marked/lib`, `dompurify/dist`). */
const entryDir = (name: string) => dirname(require.resolve(name));
/** A package's own folder, for packages without an entry file. */
const packageDir = (name: string) =>
  dirname(require.resolve(`${name}/package.json`));

/**
 * Serves the browser client at `/` with no build step, and the browser
 * libraries it uses (`marked`, `DOMPurify`, and highlight.js's browser build,
 * loaded only when a reply has code) from the installed packages at
 * `/vendor/`, so that their versions are the ones in package-lock.json.
 */
@Module({
  imports: [
    ServeStaticModule.forRoot(
      {
        rootPath: CLIENT_ROOT,
        serveRoot: '/',
        renderPath: '/',
        serveStaticOptions: { fallthrough: true, index: 'index.html' },
      },
      {
        rootPath: entryDir('marked'),
        serveRoot: '/vendor/marked',
        renderPath: '/vendor/marked',
        serveStaticOptions: { fallthrough: false },
      },
      {
        rootPath: entryDir('dompurify'),
        serveRoot: '/vendor/dompurify',
        renderPath: '/vendor/dompurify',
        serveStaticOptions: { fallthrough: false },
      },
      {
        rootPath: packageDir('@highlightjs/cdn-assets'),
        serveRoot: '/vendor/highlight',
        renderPath: '/vendor/highlight',
        serveStaticOptions: { fallthrough: false },
      },
    ),
  ],
})
export class ClientModule {}
