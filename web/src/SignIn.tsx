import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, signIn } from './api.ts';
import type { Me } from './types.ts';

export function SignIn({
  onSignedIn,
  notice,
}: {
  onSignedIn: (me: Me) => void;
  notice?: string | undefined;
}) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // The page has one job, so the key field takes focus (autoFocus would be flagged for screen readers).
  useEffect(() => input.current?.focus(), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!key.trim()) {
      setError('Paste an API key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(key));
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? `Sign-in failed: ${err.message}.`
          : `Sign-in failed: ${(err as Error).message}`,
      );
      setBusy(false);
    }
  };
  return (
    <div className="signin">
      <form className="signin-card" onSubmit={submit}>
        <div className="brand brand-lg">
          <Logo />
          <span>Bulwark</span>
        </div>
        <p className="muted">
          Sign in with an API key. Create one with <code>bulwark keys create</code>.
        </p>
        {notice ? <div className="banner banner-info">{notice}</div> : null}
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="bwk_…"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          ref={input}
        />
        {error ? (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          The key stays in this browser tab (session storage) and is sent only to this server.
        </p>
      </form>
    </div>
  );
}

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true">
      <path d="M16 2 4 6v9c0 7.5 5.1 13.2 12 15 6.9-1.8 12-7.5 12-15V6z" fill="#3b82f6" />
      <path d="M16 7 9 9.5v5.6c0 4.6 3 8.1 7 9.3 4-1.2 7-4.7 7-9.3V9.5z" fill="#0f172a" />
    </svg>
  );
}
