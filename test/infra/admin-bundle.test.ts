import { bundleLambda } from '../../bench/bundle';

/**
 * The admin function serves leads, timelines and results and must load fast: the MJML compiler
 * (mjml and its dependencies, about 4 MB) and the draft compiler belong to admin-compose only
 * (functions/admin/routes.ts). Built as the stack builds it (LAMBDA_BUNDLE), read from esbuild's
 * metafile: an import that drags either back into the admin bundle fails here.
 */

const MJML = /(^|\/)node_modules\/mjml[^/]*\//;
const COMPILE_MODULE = /^functions\/sequence\/compile\//;

const offending = (inputs: string[]) => inputs.filter((input) => MJML.test(input) || COMPILE_MODULE.test(input));

describe('the admin bundles', () => {
  let admin: string[];
  let compose: string[];

  beforeAll(async () => {
    admin = (await bundleLambda('functions/lambdas/admin/index.ts', 'test-admin-lean')).inputs;
    compose = (await bundleLambda('functions/lambdas/admin-compose/index.ts', 'test-admin-compose')).inputs;
  }, 120_000);

  it('keeps mjml and the draft compiler out of the admin function', () => {
    expect(admin.length).toBeGreaterThan(50);
    expect(admin).toEqual(expect.arrayContaining(['functions/admin/leads.ts', 'functions/admin/results.ts']));
    expect(offending(admin)).toEqual([]);
  });

  it('finds them in admin-compose, which compiles drafts (so the check above can see them)', () => {
    expect(offending(compose)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/node_modules\/mjml-core\//),
        'functions/sequence/compile/compile-draft.ts',
      ]),
    );
  });
});
