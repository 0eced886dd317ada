import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Body, UseGuards } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { readRequestBody } from '../../openai-api/openai-body.decorator.js';
import { JsonBodyGuard } from './json-body.guard.js';

/**
 * Where Nest's public decorators keep a route's arguments and guards, found
 * by applying them to a probe rather than imported from Nest's own files.
 */
class Probe {
  body(@Body() _body: unknown): void {}

  @UseGuards(JsonBodyGuard)
  guarded(): void {}
}
const ownKeys = (target: object, property?: string) =>
  (property === undefined
    ? Reflect.getOwnMetadataKeys(target)
    : Reflect.getOwnMetadataKeys(target, property)
  ).filter((key) => !String(key).startsWith('design:'));
const [ROUTE_ARGS_METADATA] = ownKeys(Probe, 'body');
const [GUARDS_METADATA] = ownKeys(
  Reflect.get(Probe.prototype, 'guarded') as object,
);
/** `@Body()` at index 0 is `<body paramtype>:0`. */
const BODY_ARG_PREFIX = `${
  Object.keys(
    Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'body') as object,
  )[0].split(':')[0]
}:`;

const SRC = fileURLToPath(new URL('../../', import.meta.url));

function controllerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return controllerFiles(path);
    return entry.name.endsWith('.controller.ts') ? [path] : [];
  });
}

/**
 * Every handler of every controller in `src/`, with whether it takes a body
 * and whether it reads one after its other guards (`JsonBodyGuard` last).
 */
async function routes() {
  const found: {
    route: string;
    takesBody: boolean;
    readsBody: boolean;
    readsLast: boolean;
  }[] = [];
  for (const file of controllerFiles(SRC)) {
    const exports = (await import(pathToFileURL(file).href)) as Record<
      string,
      unknown
    >;
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== 'function' || !name.endsWith('Controller')) continue;
      const proto = value.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(proto)) {
        if (method === 'constructor') continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, value, method) ??
          {}) as Record<string, { factory?: unknown }>;
        // `@Body()` is `3:<index>`; a custom body decorator (`@OpenAiBody()`)
        // reads `request.body` through `readRequestBody`.
        const takesBody = Object.entries(args).some(
          ([key, arg]) =>
            key.startsWith(BODY_ARG_PREFIX) || arg.factory === readRequestBody,
        );
        const guards = (Reflect.getMetadata(
          GUARDS_METADATA,
          proto[method] as object,
        ) ?? []) as unknown[];
        found.push({
          route: `${relative(SRC, file)} ${name}.${method}`,
          takesBody,
          readsBody: guards.includes(JsonBodyGuard),
          readsLast:
            guards.indexOf(JsonBodyGuard) === guards.length - 1 &&
            guards.lastIndexOf(JsonBodyGuard) === guards.indexOf(JsonBodyGuard),
        });
      }
    }
  }
  return found;
}

describe('JsonBodyGuard', () => {
  it('is bound to every route that takes a body, and to no other', async () => {
    const all = await routes();
    const bodied = all.filter((r) => r.takesBody);
    // The send, cancel, stream-token, chat-completion and responses routes.
    expect(bodied.length).toBeGreaterThanOrEqual(5);
    expect(all.filter((r) => r.takesBody !== r.readsBody)).toEqual([]);
  });

  it('runs after every other guard of the route (the body is read last)', async () => {
    const bodied = (await routes()).filter((r) => r.readsBody);
    expect(bodied.filter((r) => !r.readsLast)).toEqual([]);
  });
});
