import { h } from './dom';

const DATE_TIME = new Intl.DateTimeFormat('en-US', {
  dateStyle: 'medium',
  timeStyle: 'short',
});
const DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });
const NUMBER = new Intl.NumberFormat('en-US');

export const formatNumber = (value: number): string => NUMBER.format(value);

export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_TIME.format(date);
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  // A bare YYYY-MM-DD is a calendar day, not an instant: show it without shifting zones.
  const day = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00Z`) : new Date(iso);
  return Number.isNaN(day.getTime()) ? iso : DATE.format(day);
}

/** A `<time>` that machines read as ISO and people read in their own zone. */
export function timeElement(iso: string | undefined, dateOnly = false): HTMLTimeElement | string {
  if (!iso) return '';
  return h('time', { datetime: iso }, dateOnly ? formatDate(iso) : formatDateTime(iso));
}

/** Rates arrive as fractions (0.025 = 2.5%). */
export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}

/** YYYY-MM-DD of a Date in the browser's own zone, for date inputs. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
