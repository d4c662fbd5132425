import { fuzzPublicEndpoints } from './fuzz-endpoints';

jest.setTimeout(600_000);

// A guard in every test run: 1,000 per endpoint. Issue 6's figures (10,000 per endpoint) come
// from `npm run bench -- proof`, which runs this same fuzzer; FUZZ_RUNS=10000 here does too.
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);

describe(`public endpoints under ${RUNS} generated requests each`, () => {
  it('never answer 5xx, never accept invalid input, store nothing and let no CR/LF reach a header', async () => {
    const figures = await fuzzPublicEndpoints(RUNS);

    const invalidOnly = figures.filter((endpoint) => !endpoint.endpoint.includes('valid, hostile'));
    const hostile = figures.find((endpoint) => endpoint.endpoint.includes('valid, hostile'))!;
    for (const endpoint of invalidOnly) {
      expect({ endpoint: endpoint.endpoint, requests: endpoint.requests }).toEqual({
        endpoint: endpoint.endpoint,
        requests: RUNS,
      });
      expect({
        endpoint: endpoint.endpoint,
        serverErrors: endpoint.serverErrors,
        acceptedInvalid: endpoint.acceptedInvalid,
      }).toEqual({
        endpoint: endpoint.endpoint,
        serverErrors: 0,
        acceptedInvalid: 0,
      });
    }
    expect(invalidOnly.at(-1)!.rowsStored).toBe(0);
    expect(hostile.serverErrors).toBe(0);
    expect(hostile.rowsStored).toBeGreaterThan(0);
    expect(hostile.headerBreaks).toBe(0);
  });
});
