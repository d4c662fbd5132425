/**
 * A template that can never render safely: a malformed or unknown placeholder, or one in a
 * place where no escaping makes a value safe (a style or script, a comment, an unquoted
 * attribute). The build reports these, so on the send path they mean a corrupt bundle.
 */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/**
 * A value that cannot be placed: missing with no fallback, or a URL that is not absolute
 * http(s). Messages name the placeholder, never the value, because values are personal data.
 */
export class RenderError extends Error {
  override name = 'RenderError';
  constructor(
    message: string,
    readonly placeholder: string,
  ) {
    super(message);
  }
}
