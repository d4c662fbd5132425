/**
 * Send-time scheduling for drip sequences. Pure: no AWS, no clock reads (every time is passed in),
 * and independent of the process's own time zone.
 *
 * - resolveTimeZone: the lead's zone, or the fallback when it is missing or unknown.
 * - parseDuration: step delays (P3D, PT12H, P1W, PT0S ...).
 * - addDelay: previous send + delay in the recipient's zone (days are calendar days).
 * - nextSendTime: addDelay, then moved into the send window in the recipient's local time.
 * - isInSendWindow: whether an instant is inside the window.
 * - planJourney: every future send of a sequence, for the journey simulator.
 */
export { type Delay, MAX_DELAY_DAYS, parseDuration } from './duration';
export { ScheduleInputError, type ScheduleInputField } from './errors';
export { type JourneyStep, type PlanJourneyInput, type PlannedSend, planJourney } from './journey';
export { addDelay, isInSendWindow, type NextSendTimeInput, nextSendTime } from './send-time';
export { isValidTimeZone, type ResolvedTimeZone, resolveTimeZone } from './time-zone';
