import { ApiError } from '../api';
import type { PageFactory } from '../app';
import { h } from '../dom';
import { button, errorRegion, field, input, pageHeading, statusRegion } from '../ui';

let pendingMessage = '';

/** A message for the login page's next render (session ended, signed out, sign-in failed). */
export function setLoginMessage(message: string): void {
  pendingMessage = message;
}

export const loginPage: PageFactory = ({ ctx }) => {
  const message = pendingMessage;
  pendingMessage = '';
  const status = statusRegion();
  const errors = errorRegion();
  if (message) status.set(message);

  if (ctx.session()) {
    const element = h(
      'section',
      { class: 'narrow' },
      pageHeading('Signed in'),
      h('p', null, 'You are signed in. ', h('a', { href: '#/leads' }, 'Go to leads'), '.'),
    );
    return { title: 'Signed in', element };
  }

  if (ctx.config.auth.mode === 'cognito') {
    const signIn = button('Sign in with your clinic account', {
      onclick: () => {
        signIn.disabled = true;
        status.set('Opening the sign-in page…');
        ctx.startSignIn().catch(() => {
          signIn.disabled = false;
          errors.show(new ApiError(0, 'sign_in', 'The sign-in page could not be opened. Please try again.'));
        });
      },
    });
    return {
      title: 'Sign in',
      element: h(
        'section',
        { class: 'narrow' },
        pageHeading('Sign in'),
        status.element,
        errors.element,
        h('p', null, 'Sign in with the account the practice gave you. You will come back here afterwards.'),
        signIn,
      ),
    };
  }

  const username = input({
    name: 'username',
    autocomplete: 'username',
    required: true,
    maxlength: 254,
    spellcheck: 'false',
  });
  const password = input({
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    maxlength: 200,
  });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Sign in');
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field(username, { label: 'Username' }),
    field(password, { label: 'Password' }),
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    if (!username.value.trim() || !password.value) {
      errors.show(new ApiError(400, 'validation', 'Enter your username and password.'));
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    status.set('Signing in…');
    try {
      const result = await ctx.api.login(username.value.trim(), password.value);
      status.set('Signed in.');
      ctx.signIn({ token: result.token, expiresAt: result.expiresAt, user: result.user });
    } catch (error) {
      status.set('');
      password.value = '';
      errors.show(
        error instanceof ApiError && error.status === 401
          ? new ApiError(401, 'login', 'The username or password is not right.')
          : error,
      );
      password.focus();
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  return {
    title: 'Sign in',
    element: h(
      'section',
      { class: 'narrow' },
      pageHeading('Sign in'),
      h('p', null, 'Local stack: use a console user it printed when it started (npm start).'),
      status.element,
      errors.element,
      form,
    ),
  };
};
