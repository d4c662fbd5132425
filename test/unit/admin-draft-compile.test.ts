import { authoringSources } from '../../functions/sequence/build-output/authoring-sources';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { compileSequenceDraft } from '../../functions/sequence/compile/compile-draft';

jest.setTimeout(30_000);

const sources = authoringSources();
const bundled = bundledEmails().sequences['exosome-aftercare']!;
const source = () => structuredClone(sources.sequences['exosome-aftercare']!);

describe('compiling a console draft', () => {
  it('compiles the bundled source to exactly the bundled version', async () => {
    const result = await compileSequenceDraft(source(), { sources });
    expect(result.problems).toEqual([]);
    expect(result.sequence).toEqual(bundled);
  });

  it('refuses an email without the disclaimer and postal address, naming the template', async () => {
    const draft = source();
    draft.templates['why-pbme'] = draft.templates['why-pbme']!.replace(
      /<mj-include path="\.\.\/\.\.\/layout\/footer-nurture\.mjml" \/>/,
      '<mj-section><mj-column><mj-text><a href="{{unsubscribeUrl}}">Unsubscribe</a> You are receiving this email because you asked.</mj-text></mj-column></mj-section>',
    );
    const result = await compileSequenceDraft(draft, { sources });
    expect(result.sequence).toBeUndefined();
    expect(result.problems).toEqual([
      { where: 'templates.why-pbme', message: expect.stringMatching(/disclaimer/) },
      { where: 'templates.why-pbme', message: 'missing the postal address {{practiceAddress}}' },
    ]);
  });

  it('refuses quotes that are not in the article, unknown placeholders and a missing template', async () => {
    const draft = source();
    draft.definition.steps[1]!.sources = ['Exosomes cure everything, every time, for everyone.'];
    draft.definition.steps[2]!.subject = 'Hello {{fristName}}';
    draft.definition.steps[3]!.template = 'no-such-template';
    const result = await compileSequenceDraft(draft, { sources });
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { where: 'steps[1].sources[0]', message: expect.stringMatching(/^quote not found in the article/) },
        { where: 'steps[2].subject', message: expect.stringMatching(/Unknown placeholder "\{\{fristName\}\}"/) },
        { where: 'steps[3].template', message: 'no template "no-such-template"' },
      ]),
    );
  });

  it('keeps an include inside the draft’s own folder', async () => {
    const draft = source();
    draft.templates.welcome = draft.templates.welcome!.replace(
      '../../layout/header.mjml',
      '../../../../../etc/hostname',
    );
    const result = await compileSequenceDraft(draft, { sources, onlyStepId: 'welcome' });
    expect(result.problems).toEqual([
      {
        where: expect.stringMatching(/^templates\.welcome line \d+$/),
        message: expect.stringMatching(/outside the emails folder/),
      },
    ]);
  });
});
