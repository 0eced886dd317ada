import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** How a loader reads a file: by path, as text (specs give the text). */
export type ReadFile = (path: string) => string;

export const readUtf8File: ReadFile = (path) => readFileSync(path, 'utf8');

/**
 * What a configuration file's errors call it, and how much of its own text
 * they may repeat. No value is ever repeated; field names are, unless
 * `fieldName` hides them.
 */
export interface ConfigFileOptions {
  /** `Invalid <title> (<setting>=<path>)`: 'keys file'. */
  title: string;
  /** The setting that names the file: 'KEYS_FILE'. */
  setting: string;
  /** The file's list of entries, each with a `name`: 'keys'. */
  list: string;
  /** A field name from the file as a message shows it; as written by default. */
  fieldName?: (field: string) => string;
  /**
   * An unknown field is `is not a known field`, not class-validator's
   * `property <name> should not exist`, which repeats the file's text.
   */
  hideUnknownFields?: boolean;
  /** A file that does not parse is told by the parser's first line, not `not valid YAML or JSON`. */
  parserMessage?: boolean;
}

/**
 * A field name from a file, shown only when it cannot be a pasted secret:
 * letters only and short (`secret`, `owner`, `apiKey`), or one of the
 * file's own fields with digits (`sha256`); any other becomes `<field>`.
 */
export function safeFieldName(
  field: string,
  known: ReadonlySet<string> = new Set(),
): string {
  return known.has(field) || /^[A-Za-z]{1,24}$/.test(field) ? field : '<field>';
}

/**
 * A YAML (or JSON) configuration file of named entries (KEYS_FILE,
 * MODELS_FILE): read, validated against its DTO, and refused with one error
 * that lists every problem, each naming the entry and the field.
 */
export class ConfigFile {
  constructor(private readonly options: ConfigFileOptions) {}

  /** One error listing every problem of the file, one a line. */
  error(path: string, problems: string[]): Error {
    const { title, setting } = this.options;
    return new Error(
      `Invalid ${title} (${setting}=${path}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }

  /** The file parsed: a mapping; throws when it is missing, not YAML or not a mapping. */
  read(path: string, readFile: ReadFile): object {
    let raw: unknown;
    try {
      // YAML 1.2 is a superset of JSON: one parser reads both forms.
      raw = parse(readFile(path));
    } catch (error) {
      throw this.error(path, [`file: ${this.unreadable(error)}`]);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw this.error(path, [
        `file: must be a mapping with \`${this.options.list}:\``,
      ]);
    }
    return raw;
  }

  /**
   * `plain` as an instance of `dto`, validated: unknown fields are refused.
   * Throws an error listing every field that fails.
   */
  validate<T extends object>(
    path: string,
    dto: ClassConstructor<T>,
    plain: object,
  ): T {
    const file = plainToInstance(dto, plain);
    const errors = validateSync(file, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: false,
    });
    if (errors.length > 0) {
      const entries = (file as Record<string, unknown>)[this.options.list];
      throw this.error(
        path,
        this.fieldProblems(errors, Array.isArray(entries) ? entries : []),
      );
    }
    return file;
  }

  /** class-validator's nested errors as `keys[1] (name).field: rule` lines. */
  fieldProblems(
    errors: ValidationError[],
    entries: readonly unknown[],
  ): string[] {
    const named = this.options.fieldName ?? ((field: string) => field);
    const rules = (error: ValidationError) => this.rules(error);
    return errors.flatMap((error) => {
      if (error.property !== this.options.list || !error.children?.length) {
        return [`${named(error.property)}: ${rules(error)}`];
      }
      return error.children.flatMap((entryError) => {
        const index = Number(entryError.property);
        const prefix = this.entryLabel(index, entries[index]);
        if (!entryError.children?.length) {
          return [`${prefix}: ${rules(entryError)}`];
        }
        return entryError.children.flatMap((field) =>
          field.children?.length
            ? field.children.map(
                (inner) =>
                  `${prefix}.${field.property}.${named(inner.property)}: ${rules(inner)}`,
              )
            : [`${prefix}.${named(field.property)}: ${rules(field)}`],
        );
      });
    });
  }

  /**
   * An entry as problems name it, `keys[3] (team-a)`: its name is shown only
   * when it is a valid one (1-63 letters, digits, `_`, `.` or `-`).
   */
  entryLabel(index: number, entry: unknown): string {
    const name = (entry as { name?: unknown } | undefined)?.name;
    const shown =
      typeof name === 'string' && /^[\w.-]{1,63}$/.test(name)
        ? ` (${name})`
        : '';
    return `${this.options.list}[${index}]${shown}`;
  }

  /** The rule broken, never the value: class-validator's messages do not quote it. */
  private rules(error: ValidationError): string {
    // "property <name> should not exist" would quote the file's text.
    if (
      this.options.hideUnknownFields &&
      error.constraints?.whitelistValidation
    ) {
      return 'is not a known field';
    }
    return Object.values(error.constraints ?? {}).join('; ') || 'invalid';
  }

  private unreadable(error: unknown): string {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      return 'file not found';
    }
    if (!this.options.parserMessage) return 'not valid YAML or JSON';
    return error instanceof Error ? error.message.split('\n')[0] : 'unreadable';
  }
}

/** The fields that are set, for spreading into a definition. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
