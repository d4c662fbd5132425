import { renderLandingPage } from '../../functions/pages/landing';
import { formFields } from './form-fields';

const practice = {
  name: 'Test Practice',
  surgeon: 'Dr Test',
  postalAddress: '1 Main St, Town, FL 33000',
  phone: '+1 555 0100',
  timeZone: 'America/New_York',
};

describe('formFields', () => {
  it('submits the landing form as a browser would: hidden fields kept, required ones filled', () => {
    const form = formFields(renderLandingPage({ practice }), 'lead-form', { email: 'a@example.com' });
    const byName = new Map(form.fields);
    expect(form.action).toMatch(/\/leads$/);
    expect(byName.get('email')).toBe('a@example.com');
    expect(byName.get('consent')).toBe('on');
    expect(byName.get('consentVersion')).toEqual(expect.any(String));
    expect(byName.get('consentVersion')).not.toBe('');
    expect(byName.has('firstName')).toBe(true);
    expect(byName.get('preferredContact')).toBe('email');
    expect(byName.has('message')).toBe(false);
  });

  it('decodes entities in hidden values', () => {
    const html =
      '<form id="f" action="/x?a=1&amp;b=2"><input type="hidden" name="h" value="&quot;q&quot; &amp; r"></form>';
    expect(formFields(html, 'f', {})).toEqual({ action: '/x?a=1&b=2', fields: [['h', '"q" & r']] });
  });

  it('names what is missing instead of posting a half-filled form', () => {
    expect(() => formFields('<p>no form</p>', 'f', {})).toThrow('no form with id "f"');
    expect(() => formFields('<form id="f" action="/x"></form>', 'f', { email: 'a' })).toThrow('no field named email');
  });
});
