import type {
  BookingInbox,
  ContentProblem,
  DraftSaved,
  ImportReport,
  LeadExport,
  LeadPage,
  LeadQuery,
  LeadTimeline,
  LoginResponse,
  Me,
  MigrationPreview,
  PreviewResponse,
  Published,
  Results,
  SequenceDetail,
  SequenceDraft,
  SequenceListItem,
  SimulatedSend,
} from './types';

export const API_PREFIX = '/admin/api';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A refusal from the API: the contract's `{ error, message, fields? }`, plus `problems` on publish. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly problems: ContentProblem[] = [],
  ) {
    super(message);
  }
}

/** The session is gone (401 or expired); the console has already moved to the login page. */
export class SessionEndedError extends Error {
  override name = 'SessionEndedError';
}

export interface ApiClientOptions {
  base: string;
  /** The bearer token, renewed first if it is about to run out; undefined when signed out. */
  token: () => Promise<string | undefined>;
  /** Called once per 401: clear the session and show the login page. */
  onUnauthorized: () => void;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** The login call itself: a 401 there means a wrong password, not an ended session. */
  anonymous?: boolean;
}

const isProblem = (value: unknown): value is ContentProblem =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ContentProblem).where === 'string' &&
  typeof (value as ContentProblem).message === 'string';

const isField = (value: unknown): value is FieldProblem =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as FieldProblem).field === 'string' &&
  typeof (value as FieldProblem).message === 'string';

const GENERIC: Record<number, string> = {
  403: 'Your account is not allowed to do this.',
  404: 'Not found. It may have been erased or renamed.',
  409: 'This changed in the meantime. Reload and try again.',
  413: 'That is too large to send in one go.',
  429: 'Too many requests just now. Wait a moment and try again.',
};

async function toApiError(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed = await response.json();
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a gateway page): the status says enough.
  }
  const fallback =
    response.status >= 500
      ? 'Something went wrong on the server. Please try again.'
      : (GENERIC[response.status] ?? `The request was refused (${response.status}).`);
  // 5xx bodies carry nothing the user can act on; 4xx messages are written for people.
  const message = response.status < 500 && typeof body.message === 'string' && body.message ? body.message : fallback;
  const fields = Array.isArray(body.fields) ? body.fields.filter(isField) : [];
  const problems = Array.isArray(body.problems) ? body.problems.filter(isProblem) : [];
  const code = typeof body.error === 'string' ? body.error : `http_${response.status}`;
  return new ApiError(response.status, code, message, fields, problems);
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class ApiClient {
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (!options.anonymous) {
      const token = await this.options.token();
      if (!token) {
        this.options.onUnauthorized();
        throw new SessionEndedError('Not signed in');
      }
      headers.authorization = `Bearer ${token}`;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetcher(`${this.options.base}${API_PREFIX}${path}${queryString(options.query)}`, {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
    }
    if (response.status === 401 && !options.anonymous) {
      this.options.onUnauthorized();
      throw new SessionEndedError('Session ended');
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  login(username: string, password: string): Promise<LoginResponse> {
    return this.request('/login', { method: 'POST', body: { username, password }, anonymous: true });
  }

  /** Who is signed in, and the server's clock. */
  me(): Promise<Me> {
    return this.request('/me');
  }

  /** With a token that is not stored yet (right after the Cognito redirect). */
  meWith(token: string): Promise<Me> {
    return new ApiClient({ ...this.options, token: async () => token, fetch: this.fetcher }).request('/me');
  }

  leads(query: Partial<LeadQuery>, signal?: AbortSignal): Promise<LeadPage> {
    // Sent in the body: a name or email in a URL would end up in access logs.
    const body = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined && value !== ''));
    return this.request('/leads/search', { method: 'POST', body, signal });
  }

  lead(leadId: string): Promise<LeadTimeline> {
    return this.request(`/leads/${encodeURIComponent(leadId)}`);
  }

  markBooked(leadId: string): Promise<unknown> {
    return this.request(`/leads/${encodeURIComponent(leadId)}/booked`, { method: 'POST' });
  }

  stopSequence(leadId: string, sequenceId: string): Promise<unknown> {
    return this.request(`/leads/${encodeURIComponent(leadId)}/stop`, { method: 'POST', body: { sequenceId } });
  }

  /** Pipeline status, owner (null: nobody) and a note; each change goes on the timeline. */
  updatePipeline(leadId: string, change: { status?: string; owner?: string | null; note?: string }): Promise<unknown> {
    return this.request(`/leads/${encodeURIComponent(leadId)}/pipeline`, { method: 'POST', body: change });
  }

  completeTask(leadId: string, taskId: string): Promise<unknown> {
    return this.request(`/leads/${encodeURIComponent(leadId)}/tasks/${encodeURIComponent(taskId)}/done`, {
      method: 'POST',
    });
  }

  exportLead(leadId: string): Promise<LeadExport> {
    return this.request(`/leads/${encodeURIComponent(leadId)}/export`);
  }

  eraseLead(leadId: string): Promise<unknown> {
    return this.request(`/leads/${encodeURIComponent(leadId)}`, { method: 'DELETE' });
  }

  bookingInbox(): Promise<BookingInbox> {
    return this.request('/bookings/inbox');
  }

  /** Staff dealt with this entry: it leaves the inbox (404 if someone else removed it first). */
  deleteInboxEntry(entryId: string): Promise<unknown> {
    return this.request(`/bookings/inbox/${encodeURIComponent(entryId)}`, { method: 'DELETE' });
  }

  async sequences(): Promise<SequenceListItem[]> {
    const body = await this.request<SequenceListItem[] | { items: SequenceListItem[] }>('/sequences');
    return Array.isArray(body) ? body : body.items;
  }

  sequence(sequenceId: string): Promise<SequenceDetail> {
    return this.request(`/sequences/${encodeURIComponent(sequenceId)}`);
  }

  saveDraft(sequenceId: string, draft: SequenceDraft): Promise<DraftSaved> {
    return this.request(`/sequences/${encodeURIComponent(sequenceId)}/draft`, { method: 'PUT', body: draft });
  }

  preview(
    sequenceId: string,
    body: { draft: SequenceDraft; stepId: string; variantId?: string },
    signal?: AbortSignal,
  ): Promise<PreviewResponse> {
    return this.request(`/sequences/${encodeURIComponent(sequenceId)}/preview`, { method: 'POST', body, signal });
  }

  testSend(sequenceId: string, stepId: string): Promise<unknown> {
    return this.request(`/sequences/${encodeURIComponent(sequenceId)}/test-send`, { method: 'POST', body: { stepId } });
  }

  recordReview(sequenceId: string, body: { reviewer: string; validUntil: string }): Promise<unknown> {
    return this.request(`/sequences/${encodeURIComponent(sequenceId)}/review`, { method: 'POST', body });
  }

  publish(sequenceId: string): Promise<Published> {
    return this.request(`/sequences/${encodeURIComponent(sequenceId)}/publish`, { method: 'POST' });
  }

  migrate(
    sequenceId: string,
    body: { fromVersion: string; toVersion: string; dryRun: boolean },
  ): Promise<MigrationPreview> {
    return this.request(`/sequences/${encodeURIComponent(sequenceId)}/migrate`, { method: 'POST', body });
  }

  async simulate(body: {
    sequenceId: string;
    version: string;
    leadId?: string;
    timeZone?: string;
    start?: string;
    topics?: string[];
    behaviour?: string;
  }): Promise<SimulatedSend[]> {
    const result = await this.request<SimulatedSend[] | { sends: SimulatedSend[] }>('/simulate', {
      method: 'POST',
      body,
    });
    return Array.isArray(result) ? result : result.sends;
  }

  results(query: { sequenceId: string; from: string; to: string }): Promise<Results> {
    return this.request('/results', { query });
  }

  importCsv(body: { csv: string; dryRun: boolean }, signal?: AbortSignal): Promise<ImportReport> {
    return this.request('/imports', { method: 'POST', body, signal });
  }
}
