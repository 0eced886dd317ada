import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type Metadata = ReturnType<
  MetadataStorage['getTargetValidationMetadatas']
>[number];
type Lookup = MetadataStorage['getTargetValidationMetadatas'];

const cached = new WeakSet<MetadataStorage>();

/**
 * Keeps class-validator's answer to "which rules apply to this class" per
 * class, on its one global storage (`getMetadataStorage()`, a public
 * export). Installed once, from `installSeams()` in `main.ts`; the spec
 * (`class-validator-metadata.seam.spec.ts`) fails when the validator stops
 * going through these methods or answers differently through the cache.
 *
 * Why: class-validator works out a class's rules again for every object it
 * validates, scanning the rules of every decorated class of the process,
 * per request and per nested object. Every DTO the app adds (the Responses
 * API added many) makes each validation slower. Without the cache, a
 * `POST /server/send` allocated 29 KB more and spent ~26 µs more in
 * `getTargetValidationMetadatas` (Node 24, 10 000 POSTs, `--cpu-prof` and
 * sampled allocations, bench/analysis.md "the POST regression").
 *
 * When it can go: once class-validator caches this itself
 * (typestack/class-validator#2686, open); the spec's "is looked up once per
 * class" case then passes without it.
 *
 * The rules are fixed once the classes are loaded, so the answer is kept
 * per class and options, and everything is dropped whenever a rule is
 * added. The lists handed out are the ones the library built; its
 * validator only reads them (class-validator 0.15).
 */
export function cacheValidationMetadata(
  storage: MetadataStorage = getMetadataStorage(),
): void {
  if (cached.has(storage)) return;
  cached.add(storage);
  let byTarget = new Map<unknown, Map<string, Metadata[]>>();
  let grouped = new WeakMap<Metadata[], Record<string, Metadata[]>>();

  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (
    target,
    schema,
    always,
    strictGroups,
    groups,
  ) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let forTarget = byTarget.get(target);
    if (!forTarget) byTarget.set(target, (forTarget = new Map()));
    let metadatas = forTarget.get(key);
    if (!metadatas) {
      metadatas = lookup(target, schema, always, strictGroups, groups);
      forTarget.set(key, metadatas);
    }
    return metadatas;
  };

  const group = storage.groupByPropertyName.bind(storage);
  storage.groupByPropertyName = (metadatas) => {
    let byProperty = grouped.get(metadatas);
    if (!byProperty) {
      byProperty = group(metadatas);
      grouped.set(metadatas, byProperty);
    }
    return byProperty;
  };

  const add = storage.addValidationMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    byTarget = new Map();
    grouped = new WeakMap();
    add(metadata);
  };
}
