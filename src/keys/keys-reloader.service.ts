import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { API_KEYS } from '../access/access.di-tokens.js';
import type { ApiKeys, KeysChange } from '../access/api-keys.js';
import type { ApiKeyDefinition } from './api-key-definition.js';
import { KEYS_SOURCE } from './keys.di-tokens.js';

/** Where the keys come from: the file to reload, if any, and how to read it. */
export interface KeysSource {
  file?: string;
  load(): ApiKeyDefinition[];
}

/**
 * Reloads KEYS_FILE on SIGHUP: keys are added, changed or removed at once,
 * and the removals are announced (`changes`) so that the replies of a removed
 * key can be ended. A file that does not load keeps the keys in force, and
 * the log says why (entry and field, never a value). Without KEYS_FILE the
 * keys come from the environment, which a signal cannot change: SIGHUP is
 * then left to its default.
 */
@Injectable()
export class KeysReloader
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Keys');
  private readonly changed = new Subject<KeysChange>();
  private readonly onSignal = () => void this.reload();

  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKeys,
    @Inject(KEYS_SOURCE) private readonly source: KeysSource,
  ) {}

  /** Each successful reload's changes, by key id. */
  get changes(): Observable<KeysChange> {
    return this.changed.asObservable();
  }

  onApplicationBootstrap(): void {
    if (this.source.file) process.on('SIGHUP', this.onSignal);
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSignal);
    this.changed.complete();
  }

  /** Reads the keys again; undefined when the file did not load (the old keys stay). */
  reload(): KeysChange | undefined {
    let definitions: ApiKeyDefinition[];
    try {
      definitions = this.source.load();
    } catch (error) {
      this.logger.error(
        `Keys not reloaded, the ${this.keys.all.length} keys in force stay: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
    const before = new Map(this.keys.all.map((key) => [key.id, key.name]));
    const change = this.keys.replace(definitions);
    const names = (ids: string[], from: (id: string) => string | undefined) =>
      ids.map((id) => from(id) ?? id).join(', ') || '-';
    this.logger.log(
      `Keys reloaded: ${definitions.length} in force; added ${names(change.added, (id) => this.keys.definition(id)?.name)}; ` +
        `removed ${names(change.removed, (id) => before.get(id))}; changed ${names(change.changed, (id) => this.keys.definition(id)?.name)}`,
    );
    this.changed.next(change);
    return change;
  }
}
