import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../bench/bundle';
import { ROOT } from '../../local/paths';
import { rehearse } from '../../rehearse/run';
import { RehearsalInputError } from '../../rehearse/stack';
import { synth } from '../infra/synth';

/** A cloud assembly holding the synthesized template, written now (newer than every source). */
function assembly(): string {
  const cdkOut = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  writeFileSync(join(cdkOut, 'Test.template.json'), JSON.stringify(synth().template.toJSON()));
  writeFileSync(
    join(cdkOut, 'manifest.json'),
    JSON.stringify({
      artifacts: { Test: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Test.template.json' } } },
    }),
  );
  return cdkOut;
}

describe('the rehearsal on bad input', () => {
  it('says what to run when there is no synth output', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    await expect(rehearse({ cdkOut: empty, synth: false })).rejects.toThrow(
      new RehearsalInputError(`${empty} has no synthesized stack: run \`npm run synth\` first`),
    );
  });

  it('says which source is newer when the template comes from an older build', async () => {
    const cdkOut = assembly();
    utimesSync(join(cdkOut, 'manifest.json'), new Date('2001-01-01'), new Date('2001-01-01'));
    await expect(rehearse({ cdkOut, synth: false })).rejects.toThrow(
      /is older than \S+ \(changed after the last synth\): run `npm run synth` first$/,
    );
  });

  it('says to run the tests when no call has been recorded yet', async () => {
    const recordingDir = mkdtempSync(join(tmpdir(), 'calls-'));
    await expect(rehearse({ cdkOut: assembly(), recordingDir, synth: false, record: false })).rejects.toThrow(
      /^no recorded AWS calls newer than \S+: run `npm test` first$/,
    );
  });

  it('answers on one line, without a stack trace, and exits 2', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    mkdirSync(join(empty, 'sub'));
    const result = await runNode(
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'rehearse/run.ts'), '--no-synth', '--cdk-out', empty],
      { PATH: process.env.PATH ?? '' },
    );
    expect(result.code).toBe(2);
    expect(result.err.trim().split('\n')).toEqual([
      `rehearse: ${empty} has no synthesized stack: run \`npm run synth\` first`,
    ]);
  });
});
