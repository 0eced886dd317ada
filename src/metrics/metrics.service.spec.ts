import { MetricsService } from './metrics.service.js';

async function value(
  metrics: MetricsService,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  )?.value;
}

describe('MetricsService', () => {
  it('counts published events by type, each once, whenever the counter is read', async () => {
    const metrics = new MetricsService();
    const published = 'chatgw_sse_events_published_total';
    for (let i = 0; i < 3; i++) metrics.eventPublished('delta');
    metrics.eventPublished('done');
    expect(await value(metrics, published, { type: 'delta' })).toBe(3);
    expect(await value(metrics, published, { type: 'done' })).toBe(1);
    // Read again with nothing new: the same counts, not added twice.
    expect(await value(metrics, published, { type: 'delta' })).toBe(3);
    metrics.eventPublished('delta');
    expect(await metrics.render()).toContain(`${published}{type="delta"} 4`);
  });

  it('counts a cancelled call as finished (cancelled), a failure by its code', async () => {
    const metrics = new MetricsService();
    metrics.generationStarted('mock');
    metrics.generationStarted('mock');
    metrics.generationStarted('mock');
    metrics.generationEnded('mock', { errorCode: 'cancelled' }, 10);
    metrics.generationEnded('mock', { errorCode: 'upstream_timeout' }, 10);
    metrics.generationEnded(
      'mock',
      {
        finishReason: 'stop',
        usage: { promptTokens: 3, completionTokens: 5, totalTokens: 8 },
      },
      10,
    );
    const finished = 'chatgw_generations_finished_total';
    expect(await value(metrics, finished, { finish_reason: 'cancelled' })).toBe(
      1,
    );
    expect(await value(metrics, finished, { finish_reason: 'stop' })).toBe(1);
    expect(
      await value(metrics, 'chatgw_generations_failed_total', {
        code: 'upstream_timeout',
      }),
    ).toBe(1);
    expect(
      await value(metrics, 'chatgw_llm_tokens_total', { type: 'completion' }),
    ).toBe(5);
  });

  it('keeps free-text label values out of the label set', async () => {
    const metrics = new MetricsService();
    metrics.generationEnded(
      'mock',
      {
        finishReason: 'Stopped because the user said "my password is hunter2"',
      },
      10,
    );
    const output = await metrics.render();
    expect(output).not.toContain('hunter2');
    expect(
      await value(metrics, 'chatgw_generations_finished_total', {
        finish_reason: 'other',
      }),
    ).toBe(1);
  });

  it('reads open streams from their source when scraped', async () => {
    const metrics = new MetricsService();
    let open = 3;
    metrics.trackOpenStreams(() => open);
    expect(await value(metrics, 'chatgw_open_streams', {})).toBe(3);
    open = 1;
    expect(await value(metrics, 'chatgw_open_streams', {})).toBe(1);
  });
});
