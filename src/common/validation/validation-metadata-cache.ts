import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type Metadata = ReturnType<
  MetadataStorage['getTargetValidationMetadatas']
>[number];
type Lookup = MetadataStorage['getTargetValidationMetadatas'];

const cached = new WeakSet<MetadataStorage>();

/**
 * class-validator works out a class's rules again for every object it
 * validates: it scans the rules of every decorated class of the process for
 * the class and its parents, filters them and groups them by property, per
 * request and per nested object. The rules are fixed once the classes are
 * loaded, so the answer is kept per class (and per options) and dropped
 * whenever a rule is added. In the POST profile this was about 2 % of the
 * CPU per request, growing with every DTO the app defines
 * (bench/analysis.md, third pass).
 *
 * The lists handed out are the ones the library built; its validator only
 * reads them (class-validator 0.15).
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
