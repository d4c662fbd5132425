import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMAILS_DIR } from '../../emails/build';

const head = readFileSync(join(EMAILS_DIR, 'layout', 'head.mjml'), 'utf8');

function attributesOf(selector: RegExp): Record<string, string> {
  const tag = head.match(selector)?.[0];
  if (!tag) throw new Error(`no ${selector} in head.mjml`);
  return Object.fromEntries([...tag.matchAll(/([a-z-]+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
}

/** WCAG 2 contrast ratio between two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('the shared layout', () => {
  const body = attributesOf(/<mj-body [^>]*>/);
  const section = attributesOf(/<mj-section [^>]*>/);
  const text = attributesOf(/<mj-text [^>]*>/);
  const button = attributesOf(/<mj-button [^>]*>/);
  const header = attributesOf(/<mj-class name="header"[^>]*>/);
  const masthead = attributesOf(/<mj-class name="masthead"[^>]*>/);
  const footer = attributesOf(/<mj-class name="footer"[^>]*>/);
  const small = attributesOf(/<mj-class name="small"[^>]*>/);
  const link = head.match(/a \{ color: (#[0-9a-f]{6})/)?.[1];

  it.each([
    ['body text on the content background', () => [text.color, section['background-color']]],
    ['footer text on the footer background', () => [small.color, footer['background-color']]],
    ['practice name on the header', () => [masthead.color, header['background-color']]],
    ['button text on the button', () => [button.color, button['background-color']]],
    ['links on the content background', () => [link, section['background-color']]],
    ['links on the footer background', () => [link, footer['background-color']]],
    ['footer text on the page background', () => [small.color, body['background-color']]],
  ])('has text contrast of at least 4.5:1: %s', (_, pair) => {
    const [foreground, background] = pair() as [string, string];
    expect(foreground).toMatch(/^#[0-9a-f]{6}$/);
    expect(background).toMatch(/^#[0-9a-f]{6}$/);
    expect(contrast(foreground, background)).toBeGreaterThanOrEqual(4.5);
  });

  it('uses a readable body text size', () => {
    expect(Number.parseInt(text['font-size']!, 10)).toBeGreaterThanOrEqual(16);
    expect(Number.parseInt(small['font-size']!, 10)).toBeGreaterThanOrEqual(12);
  });
});
