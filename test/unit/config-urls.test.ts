import { clinicConfig } from '../../config/clinic';
import { clinicConfigSchema } from '../../functions/config/clinic-schema';
import { captureEnvSchema, parseEnv } from '../../functions/config/env';
import { renderEmail } from '../../functions/render/render';
import { isPublicUrl } from '../../functions/shared/public-url';
import { localEnvironment } from '../../local/local-env';

/** Links in emails and pages are https; plain http is only for the local stack on this machine. */

describe('isPublicUrl', () => {
  it('takes https anywhere and http only on localhost', () => {
    for (const url of [
      'https://consult.example.com',
      'https://x.example/a?b=c',
      'http://localhost:3000/',
      'http://127.0.0.1:8005',
      'http://[::1]:3000/',
    ]) {
      expect(isPublicUrl(url)).toBe(true);
    }
    for (const url of [
      'http://consult.example.com',
      'http://localhost.evil.example/',
      'ftp://x.example',
      'javascript:alert(1)',
      '/thank-you/',
      '',
    ]) {
      expect(isPublicUrl(url)).toBe(false);
    }
  });
});

describe('settings that become links', () => {
  it('refuses a plain-http site in the clinic configuration, naming the field', () => {
    const practice = { ...clinicConfig.practice, siteUrl: 'http://consult.example.com' };
    const result = clinicConfigSchema.safeParse({ ...clinicConfig, practice });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['practice.siteUrl']);
    expect(clinicConfigSchema.safeParse(clinicConfig).success).toBe(true);
  });

  it('refuses plain-http SITE_URL and PUBLIC_API_URL in a function environment, naming them', () => {
    const env = localEnvironment(
      { port: 3000, dynamoEndpoint: 'http://127.0.0.1:8000', sesEndpoint: 'http://127.0.0.1:8005', tableName: 't' },
      { SITE_URL: 'http://consult.example.com', PUBLIC_API_URL: 'http://api.example.com' },
    );
    expect(() => parseEnv(captureEnvSchema, env)).toThrow(
      /SITE_URL must be an https URL.*PUBLIC_API_URL must be an https URL/,
    );
  });

  it('renders a plain-http link value as its https fallback, never as itself', () => {
    const rendered = renderEmail({
      template: { html: '<a href="{{bookingUrl|https://clinic.example.com/}}">x</a>', text: '' },
      subject: 's',
      values: { bookingUrl: 'http://clinic.example.com/book' },
    });
    expect(rendered.html).toBe('<a href="https://clinic.example.com/">x</a>');
  });
});
