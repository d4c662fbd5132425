export * from './bundle';
export { RenderError, TemplateError } from './errors';
export { formatInterests } from './interests-text';
export {
  type PlaceholderValues,
  type RenderedEmail,
  type RenderInput,
  renderEmail,
  renderLine,
  type UtmTags,
  utmParameters,
} from './render';
export { chooseVariant, type RenderedStep, type RenderStepInput, renderStep } from './render-step';
export { findPlaceholders, type PlaceholderContext, parseTemplate, type Segment } from './template';
