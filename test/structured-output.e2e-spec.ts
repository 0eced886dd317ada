import OpenAI from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { startApp, type AppProcess } from './support/app-process.js';

const Forecast = z.object({
  city: z.string(),
  days: z.number().int().min(1).max(7),
  unit: z.enum(['celsius', 'fahrenheit']),
  rainy: z.boolean(),
  note: z.string().nullable(),
  place: z.object({ lat: z.number(), lon: z.number() }),
  hours: z.array(z.object({ hour: z.number().int(), temperature: z.number() })),
  source: z.union([
    z.object({ url: z.string() }),
    z.object({ name: z.string() }),
  ]),
});

const Booking = z.object({
  hotel: z.string(),
  nights: z.number().int().min(1),
  guests: z.array(z.string()).min(1),
  breakfast: z.boolean(),
  room: z.enum(['single', 'double', 'suite']),
});

/**
 * The mock does structured output, so that clients built on it can be tried
 * offline: the official SDK's `parse` helpers with zod schemas get values
 * their own schemas accept, and the same question gets the same value.
 */
describe('structured output on the mock (e2e, official SDK with zod)', () => {
  let app: AppProcess;
  let client: OpenAI;

  beforeAll(async () => {
    app = await startApp({ MOCK_DELAY_MS: '0' });
    client = new OpenAI({
      baseURL: `${app.url}/v1`,
      apiKey: 'unused-while-open',
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const askForecast = (question: string) =>
    client.chat.completions.parse({
      model: 'any',
      messages: [{ role: 'user', content: question }],
      response_format: zodResponseFormat(Forecast, 'forecast'),
    });

  it('chat.completions.parse with zodResponseFormat: a value the schema accepts, made from the prompt', async () => {
    const completion = await askForecast('Weather in Paris?');
    const { message, finish_reason } = completion.choices[0];
    expect(finish_reason).toBe('stop');
    expect(message.refusal).toBeNull();
    expect(Forecast.parse(message.parsed)).toEqual(message.parsed);
    expect(message.parsed?.city).toBe('Weather in Paris?');
    expect(message.parsed?.hours.length).toBeGreaterThan(0);

    const again = await askForecast('Weather in Paris?');
    expect(again.choices[0].message.parsed).toEqual(message.parsed);
    const other = await askForecast('And in Rome?');
    expect(other.choices[0].message.parsed).not.toEqual(message.parsed);
  });

  it('streamed, the SDK’s stream helper parses the final message', async () => {
    const stream = client.chat.completions.stream({
      model: 'any',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      response_format: zodResponseFormat(Forecast, 'forecast'),
    });
    const final = await stream.finalChatCompletion();
    expect(Forecast.parse(final.choices[0].message.parsed)).toMatchObject({
      city: 'Weather in Oslo?',
    });
  });

  it('json_object: the reply is a JSON object', async () => {
    const completion = await client.chat.completions.create({
      model: 'any',
      messages: [{ role: 'user', content: 'Answer in JSON.' }],
      response_format: { type: 'json_object' },
    });
    const parsed: unknown = JSON.parse(completion.choices[0].message.content!);
    expect(parsed).toEqual({
      reply: expect.stringContaining('Answer in JSON.'),
    });
  });

  it('a tool call’s arguments fill every required property with values of the right type', async () => {
    const completion = await client.chat.completions.parse({
      model: 'any',
      messages: [{ role: 'user', content: 'Book me a room in Lyon' }],
      tools: [zodFunction({ name: 'book_hotel', parameters: Booking })],
    });
    const { message, finish_reason } = completion.choices[0];
    expect(finish_reason).toBe('tool_calls');
    const [call] = message.tool_calls ?? [];
    expect(call.type).toBe('function');
    if (call.type !== 'function') return;
    expect(call.function.name).toBe('book_hotel');
    expect(Booking.parse(JSON.parse(call.function.arguments))).toEqual(
      call.function.parsed_arguments,
    );
    expect(
      Object.keys(call.function.parsed_arguments as object).sort(),
    ).toEqual(Object.keys(Booking.shape).sort());
  });
});
