import { afterAll, describe, expect, it } from 'vitest';
import { committedState, landedBatches, landedRows } from '../../support/lake-reads';
import { CONNECTION, customersWorkspace, filesUnder, pagedCustomers, runBatch, scriptedCustomers, startPosition } from './scripted-customers';

// Amazon's order items come at half a request a second: a batch that waited for a full file would
// never land one inside its timeout. Each batch lands what it holds when its time runs out instead.

const source = scriptedCustomers();
const COUNT = 7;
let ws: ReturnType<typeof customersWorkspace> | undefined;
afterAll(() => ws?.cleanup());

describe('a source answering one record a second', () => {
  it('lands a batch with its cursor each time the batch budget runs out, and completes with every record', async () => {
    source.answer = pagedCustomers(COUNT, 1);
    // One page a second, and a batch gives up its turn after two seconds: far below a full file.
    ws = customersWorkspace(source.baseUrl, { requestsPerSecond: 1, sync: { batch_seconds: 2 } });
    const config = ws.config();
    let position = await startPosition(config, 'slow-1');

    const committedBetween: { rows: number; pageToken: string | null; files: number }[] = [];
    for (let batch = 0; batch < COUNT + 1; batch++) {
      const result = await runBatch(config, position);
      position = result.position;
      if (result.done) break;
      // Handed back before the stream ended, with its records durable and its cursor committed.
      expect(result.filesLanded).toBeGreaterThanOrEqual(1);
      const state = await committedState(config, CONNECTION, 'customers');
      expect(state.inProgress).toEqual(position);
      committedBetween.push({ rows: state.inProgress!.rows, pageToken: state.inProgress!.pageToken, files: (await landedBatches(config, 'stripe', 'customers')).length });
    }

    expect(committedBetween.length).toBeGreaterThanOrEqual(2);
    // Each hand-back committed further than the one before, with more batches in the lake.
    for (let i = 1; i < committedBetween.length; i++) {
      expect(committedBetween[i]!.rows).toBeGreaterThan(committedBetween[i - 1]!.rows);
      expect(committedBetween[i]!.files).toBeGreaterThan(committedBetween[i - 1]!.files);
    }
    expect(committedBetween.every((c) => c.rows < COUNT && c.pageToken === `cus_${String(c.rows).padStart(4, '0')}`)).toBe(true);

    const finished = await committedState(config, CONNECTION, 'customers');
    expect(finished.inProgress).toBeNull();
    expect(finished.highWaterMark).toBe(position.window.to);
    expect(finished.lastSync?.rows).toBe(COUNT);
    expect(filesUnder(config.layout.root).temporary).toEqual([]);
    expect(await landedBatches(config, 'stripe', 'customers')).toHaveLength(finished.lastSync!.batches);
    expect((await landedRows(config, 'stripe', 'customers')).map((r) => r.primary_key).sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `cus_${String(i + 1).padStart(4, '0')}`));
    // Every page was asked for once: a hand-back resumes after the last committed record.
    expect(source.asked.map((q) => q.get('starting_after'))).toEqual([null, ...Array.from({ length: COUNT - 1 }, (_, i) => `cus_${String(i + 1).padStart(4, '0')}`)]);
  }, 60_000);
});
