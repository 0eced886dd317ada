// Reads two V8 heap snapshots and tells what a connection costs: the objects
// that appeared between them, grouped by constructor (or kind), per connection.
import { readFileSync } from 'node:fs';

/** @param {string} file @returns {Map<string, {count: number, bytes: number}>} */
function countByKind(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const { nodes, strings } = snapshot;
  const kinds = new Map();
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    const name = strings[nodes[i + nameAt]];
    let kind;
    if (type === 'object' || type === 'native') kind = name.slice(0, 60);
    else if (type === 'closure')
      kind = `closure ${name || '(anonymous)'}`.slice(0, 60);
    else if (type === 'array' || type === 'hidden' || type === 'object shape')
      kind = `(${type}) ${name}`.slice(0, 60);
    else kind = `(${type})`;
    const entry = kinds.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += nodes[i + sizeAt];
    kinds.set(kind, entry);
  }
  return kinds;
}

/**
 * @param {string} beforeFile @param {string} afterFile @param {number} connections
 * @returns {{ bytesPerConnection: number, objectsPerConnection: number, top: {kind: string, count: number, bytes: number}[] }}
 */
export function diffSnapshots(
  beforeFile,
  afterFile,
  connections,
  topCount = 15,
) {
  const before = countByKind(beforeFile);
  const after = countByKind(afterFile);
  const rows = [];
  for (const [kind, { count, bytes }] of after) {
    const old = before.get(kind) ?? { count: 0, bytes: 0 };
    rows.push({
      kind,
      count: (count - old.count) / connections,
      bytes: (bytes - old.bytes) / connections,
    });
  }
  rows.sort((a, b) => b.bytes - a.bytes);
  return {
    bytesPerConnection: rows.reduce((sum, r) => sum + r.bytes, 0),
    objectsPerConnection: rows.reduce((sum, r) => sum + r.count, 0),
    top: rows.slice(0, topCount),
  };
}
