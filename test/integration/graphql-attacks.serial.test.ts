import type { GraphQLFormattedError } from 'graphql';
import { useDataDir } from '../support/server-process';

/*
 * The GraphQL attacks against the compiled server with the demo data: refused before they run, they
 * must neither grow the process nor stall /healthz. Run on their own (npm test's serial pass), so the
 * latency they assert is not another test's load.
 */

describe('the compiled server under the attack queries', () => {
  const data = useDataDir('limits-');

  it('keeps its memory and answers /healthz quickly while the three attacks run', async () => {
    const server = await data.start();
    const supervisor = await server.login('13800000001');
    const grid = await server.login('13800000004');
    const attacks = [
      () =>
        server.gql(
          '{ unit(code: "141100000000") { children(first: 100) { parent { children(first: 100) { parent { children(first: 100) { name } } } } } } }',
          {},
          supervisor,
        ),
      () =>
        server.gql(
          '{ cases(first: 100) { edges { node { similarCases { similarCases { similarCases { similarCases { similarCases { number } } } } } } } } }',
          {},
          grid,
        ),
      () =>
        server.gql(
          `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: cases(first: 100) { edges { node { similarCases { number } } } }`).join(' ')} }`,
          {},
          supervisor,
        ),
    ];
    // Warm the connection and the database pool first: the figures are about the attacks, not the first fetch.
    await fetch(`${server.url}/healthz`).then((r) => r.text());
    const rssBefore = server.rss();
    let peak = rssBefore;
    const latencies: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const started = performance.now();
        const res = await fetch(`${server.url}/healthz`);
        await res.text();
        latencies.push(performance.now() - started);
        peak = Math.max(peak, server.rss());
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // Waves of the three attacks, three of each at once, for three seconds (a pause between waves, so
    // the figures show whether one wave stalls the process, not how fast this client can send).
    const started = performance.now();
    const results: Awaited<ReturnType<typeof server.gql>>[] = [];
    while (performance.now() - started < 3000) {
      results.push(...(await Promise.all(Array.from({ length: 3 }, () => attacks.map((a) => a())).flat())));
      await new Promise((r) => setTimeout(r, 100));
    }
    const elapsed = performance.now() - started;
    polling = false;
    await poll;
    for (const res of results) {
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.map((e: GraphQLFormattedError) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))];
    console.log(
      `${results.length} attack requests in ${elapsed.toFixed(0)} ms; RSS ${(rssBefore / 2 ** 20).toFixed(0)} MB before, peak ${(peak / 2 ** 20).toFixed(0)} MB; ` +
        `/healthz ${latencies.length} polls, p95 ${p95.toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`,
    );
    expect(latencies.length).toBeGreaterThan(0);
    // Bounds from the task: the refused attacks must not grow the process (it reached 2.5 GB) nor stall it.
    expect(peak).toBeLessThan(500 * 2 ** 20);
    expect(p95).toBeLessThan(100);
  }, 180_000);
});
