import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEmails } from '../../emails/build';
import { writePreview } from '../../emails/preview';
import type { EmailBundle } from '../../functions/sequence/compiled';

let bundle: EmailBundle;
let outDir: string;
let index: string;
let files: string[];

beforeAll(async () => {
  bundle = await buildEmails({ outFile: false });
  outDir = await mkdtemp(join(tmpdir(), 'preview-'));
  const result = await writePreview(outDir, { bundle });
  files = result.files;
  index = await readFile(result.indexFile, 'utf8');
});

afterAll(() => rm(outDir, { recursive: true, force: true }));

const escaped = (text: string) =>
  text.replace(/&/g, '&#38;').replace(/'/g, '&#39;').replace(/"/g, '&#34;').replace(/</g, '&#60;');

describe('writePreview', () => {
  it('lists every step with its delay, subjects and preheader', () => {
    const sequence = bundle.sequences['exosome-aftercare']!;
    expect(index).toContain('right after sign-up');
    expect(index).toContain('3 days after the previous email');
    for (const step of sequence.steps) {
      expect(index).toContain(`href="#exosome-aftercare/${step.id}"`);
      expect(index).toContain(escaped(step.preheader));
      for (const variant of step.variants) expect(index).toContain(escaped(variant.subject));
    }
  });

  it('shows each email at desktop and mobile widths with its plain text and article sources', () => {
    const step = bundle.sequences['exosome-aftercare']!.steps[1]!;
    const section = index.slice(index.indexOf(`<article id="exosome-aftercare/${step.id}"`));
    const article = section.slice(0, section.indexOf('</article>'));
    expect(article).toContain(`<iframe src="exosome-aftercare/${step.id}.html"`);
    expect(article).toMatch(/width="6[4-9]\d"/);
    expect(article).toContain('width="375"');
    expect(article).toContain('<pre>');
    for (const quote of step.sources) expect(article).toContain(`<q>${escaped(quote)}</q>`);
  });

  it('includes the transactional emails', () => {
    for (const id of Object.keys(bundle.transactional))
      expect(index).toContain(`<iframe src="transactional/${id}.html"`);
  });

  it('renders every page with sample data, leaving no placeholder', async () => {
    expect(files.length).toBeGreaterThan(20);
    for (const file of files)
      expect({ file, raw: (await readFile(file, 'utf8')).includes('{{') }).toEqual({ file, raw: false });
    expect(await readFile(join(outDir, 'exosome-aftercare', 'welcome.html'), 'utf8')).toContain('Hi Maria,');
  });

  it('needs no inline script or style in the index, so a strict CSP still shows it', () => {
    // Its one script is its own file, which a strict policy allows ('self').
    expect(index).not.toMatch(/<script(?![^>]*\ssrc="preview\.js")|<style|\sstyle="/);
    expect(index).toContain('<link rel="stylesheet" href="preview.css">');
    expect(index).toContain('<script src="preview.js" defer></script>');
  });
});
