import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

const SECRET_PATTERNS: [string, RegExp][] = [
  ['an AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['an AWS secret access key assignment', /aws_secret_access_key\s*[=:]\s*[A-Za-z0-9/+]{40}/i],
  ['a private key', /-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----/],
  ['a Slack or GitHub token', /\b(xox[abp]-[0-9A-Za-z-]{10,}|gh[pousr]_[0-9A-Za-z]{36})\b/],
];

describe('the repository', () => {
  it('holds no credential or private key in any tracked file', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file && !file.endsWith('package-lock.json') && !/\.(png|ico|jpg)$/.test(file));
    expect(files.length).toBeGreaterThan(100);

    const found = files.flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), 'utf8');
      } catch {
        return []; // listed but removed in the working tree
      }
      return SECRET_PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([what]) => `${what} in ${file}`);
    });

    expect(found).toEqual([]);
  });

  it('keeps local data, build output and keys out of git', () => {
    const ignored = (path: string) => {
      try {
        execFileSync('git', ['check-ignore', '-q', path], { cwd: ROOT });
        return true;
      } catch {
        return false;
      }
    };

    for (const path of [
      '.data/signing.key',
      '.data/webhook.key',
      'node_modules/x',
      'cdk.out/x',
      'emails/dist/bundle.json',
      'web/dist/index.html',
    ]) {
      expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: true });
    }
  });
});
