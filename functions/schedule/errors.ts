/** Which input of the schedule module was wrong. */
export type ScheduleInputField = 'delay' | 'timeZone' | 'window' | 'time';

/**
 * Thrown for input the schedule cannot work with: a malformed delay, an unknown zone where a valid one
 * is required, an invalid send window or an invalid date. The message is written for the person who
 * has to fix the sequence or configuration; `field` says which input it was.
 */
export class ScheduleInputError extends Error {
  override readonly name = 'ScheduleInputError';
  readonly field: ScheduleInputField;

  constructor(field: ScheduleInputField, message: string, options?: ErrorOptions) {
    super(message, options);
    this.field = field;
  }
}
