import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { absentNulls } from './absent-nulls.js';

class Part {
  @IsOptional()
  @IsString()
  label?: string;

  @IsString()
  content: string | null;
}

class Body {
  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  extra?: Record<string, unknown>;

  @ValidateNested({ each: true })
  @Type(() => Part)
  parts: Part[];

  @IsOptional()
  @ValidateNested()
  @Type(() => Part)
  part?: Part;
}

describe('absentNulls', () => {
  it('deletes null from optional fields, in nested DTOs too, and keeps it elsewhere', () => {
    const body = absentNulls(
      plainToInstance(Body, {
        name: null,
        extra: { keep: null },
        parts: [{ label: null, content: null }],
        part: { label: 'x', content: 'y' },
      }),
    );
    expect('name' in body).toBe(false);
    // A free-form value is the client's as sent.
    expect(body.extra).toEqual({ keep: null });
    expect('label' in body.parts[0]).toBe(false);
    // Not optional: null means something there.
    expect(body.parts[0].content).toBeNull();
    expect(body.part).toEqual({ label: 'x', content: 'y' });
  });

  it('deletes an optional nested DTO sent as null', () => {
    const body = absentNulls(plainToInstance(Body, { parts: [], part: null }));
    expect('part' in body).toBe(false);
  });

  it('leaves values that are not objects alone', () => {
    expect(absentNulls(null)).toBeNull();
    expect(absentNulls('text')).toBe('text');
  });
});
