import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, ValidateNested } from 'class-validator';
import { errorOf } from '../../../test/support/error-of.js';
import { IsEntryName, IsOptionalCount } from './config-file.decorators.js';
import {
  ConfigFile,
  definedOnly,
  type ConfigFileOptions,
} from './config-file.js';

class LimitsDto {
  @IsOptionalCount()
  rpm?: number;
}

class EntryDto {
  @IsEntryName()
  name!: string;

  @IsIn(['a', 'b'])
  kind!: string;

  @IsOptionalCount()
  weight?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => LimitsDto)
  limits?: LimitsDto;
}

class FileDto {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EntryDto)
  items!: EntryDto[];
}

const OPTIONS: ConfigFileOptions = {
  title: 'items file',
  setting: 'ITEMS_FILE',
  list: 'items',
};
const ITEMS_FILE = new ConfigFile(OPTIONS);
const HIDING = new ConfigFile({
  ...OPTIONS,
  fieldName: (field) => (/^[a-z]+$/.test(field) ? field : '<field>'),
  hideUnknownFields: true,
});
const PARSER = new ConfigFile({ ...OPTIONS, parserMessage: true });

const read = (file: ConfigFile, text: string) =>
  file.read('/etc/items.yaml', () => text);
const validate = (file: ConfigFile, plain: object) =>
  file.validate('/etc/items.yaml', FileDto, plain);

describe('config files', () => {
  it('lists every problem under one heading naming the file and its setting', () => {
    expect(ITEMS_FILE.error('/etc/items.yaml', ['a: x', 'b: y']).message)
      .toBe(`Invalid items file (ITEMS_FILE=/etc/items.yaml):
  - a: x
  - b: y`);
  });

  it('reads YAML and JSON as a mapping', () => {
    expect(read(ITEMS_FILE, 'items:\n  - name: one\n')).toEqual({
      items: [{ name: 'one' }],
    });
    expect(read(ITEMS_FILE, '{"items": []}')).toEqual({ items: [] });
  });

  it('says when the file is missing, not YAML or not a mapping', () => {
    const missing = () => {
      throw Object.assign(new Error('ENOENT: no such file'), {
        code: 'ENOENT',
      });
    };
    expect(errorOf(() => ITEMS_FILE.read('/nowhere.yaml', missing))).toContain(
      '  - file: file not found',
    );
    expect(errorOf(() => read(ITEMS_FILE, '- a list'))).toContain(
      '  - file: must be a mapping with `items:`',
    );
  });

  it("tells a file that does not parse by the parser's first line only when the file allows it", () => {
    const broken = 'items: [unclosed';
    expect(errorOf(() => read(ITEMS_FILE, broken))).toContain(
      '  - file: not valid YAML or JSON',
    );
    const message = errorOf(() => read(PARSER, broken));
    expect(message).toMatch(/ {2}- file: .+/);
    expect(message).not.toContain('not valid YAML or JSON');
    expect(message.split('\n')).toHaveLength(2);
  });

  it('validates into the DTO, naming each entry and field but never a value', () => {
    const file = validate(ITEMS_FILE, { items: [{ name: 'one', kind: 'a' }] });
    expect(file).toBeInstanceOf(FileDto);
    expect(file.items[0]).toBeInstanceOf(EntryDto);

    const message = errorOf(() =>
      validate(ITEMS_FILE, {
        items: [
          { name: 'one', kind: 'a' },
          { name: 'two', kind: 'secret-value', weight: 0 },
          { name: 'bad name!', kind: 'b', limits: { rpm: 1.5 } },
        ],
        extra: true,
      }),
    );
    expect(message).toContain('items[1] (two).kind: kind must be one of');
    expect(message).toContain(
      'items[1] (two).weight: weight must not be less than 1',
    );
    expect(message).toContain(
      'items[2].name: name must be 1-63 letters, digits, ".", "_" or "-"',
    );
    expect(message).toContain(
      'items[2].limits.rpm: rpm must be an integer number',
    );
    expect(message).toContain('extra: property extra should not exist');
    expect(message).not.toContain('secret-value');
  });

  it('names unknown fields only as the file allows', () => {
    const message = errorOf(() =>
      validate(HIDING, {
        items: [{ name: 'one', kind: 'a', sk_live_123: 'x', note: 'y' }],
      }),
    );
    expect(message).toContain('items[0] (one).<field>: is not a known field');
    expect(message).toContain('items[0] (one).note: is not a known field');
    expect(message).not.toContain('sk_live_123');
    expect(message).not.toContain('should not exist');
  });

  it('labels an entry by its name only when it is a valid one', () => {
    expect(ITEMS_FILE.entryLabel(3, { name: 'team-a' })).toBe(
      'items[3] (team-a)',
    );
    expect(ITEMS_FILE.entryLabel(0, { name: 'has space' })).toBe('items[0]');
    expect(ITEMS_FILE.entryLabel(1, { name: 42 })).toBe('items[1]');
    expect(ITEMS_FILE.entryLabel(2, undefined)).toBe('items[2]');
  });

  it('keeps only the fields that are set', () => {
    expect(definedOnly({ a: 1, b: undefined, c: 0 })).toEqual({ a: 1, c: 0 });
  });
});
