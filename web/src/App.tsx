import { useEffect, useState } from 'react';
import { fetchMe, onSignedOut, signOut, storedKey } from './api.ts';
import type { PageDef } from './page.ts';
import { pages } from './pages/index.ts';
import { Link, matchPath, useLocation } from './router.tsx';
import { Logo, SignIn } from './SignIn.tsx';
import type { Me } from './types.ts';

type Session = { state: 'checking' } | { state: 'signed-out'; notice?: string } | { state: 'in'; me: Me };

export function App() {
  const [session, setSession] = useState<Session>(() =>
    storedKey() ? { state: 'checking' } : { state: 'signed-out' },
  );

  useEffect(() => {
    const off = onSignedOut(() =>
      setSession((s) =>
        s.state === 'in' ? { state: 'signed-out', notice: 'Your session ended. Sign in again.' } : s,
      ),
    );
    if (storedKey()) {
      fetchMe().then(
        (me) => setSession({ state: 'in', me }),
        () => setSession({ state: 'signed-out' }),
      );
    }
    return () => {
      off();
    };
  }, []);

  if (session.state === 'checking') return <div className="loading full">Loading…</div>;
  if (session.state === 'signed-out') {
    return <SignIn notice={session.notice} onSignedIn={(me) => setSession({ state: 'in', me })} />;
  }
  return (
    <Shell
      me={session.me}
      onSignOut={() => {
        signOut();
        setSession({ state: 'signed-out' });
      }}
    />
  );
}

function resolve(path: string): { page: PageDef; params: Record<string, string> } | null {
  for (const page of pages) {
    const params = matchPath(page.path, path);
    if (params) return { page, params };
  }
  return null;
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const loc = useLocation();
  const hit = resolve(loc.path);
  const allowed = !hit?.page.roles || hit.page.roles.includes(me.role);
  const title = hit?.page.title ?? 'Not found';
  useEffect(() => {
    document.title = `${title} · Bulwark`;
  }, [title]);

  const sections = new Map<string, PageDef[]>();
  for (const p of pages) {
    if (!p.nav || (p.roles && !p.roles.includes(me.role))) continue;
    const list = sections.get(p.nav.section) ?? [];
    list.push(p);
    sections.set(p.nav.section, list);
  }
  const active = (p: PageDef) => (p.path === '/' ? loc.path === '/' : loc.path.startsWith(p.path));

  const Component = hit?.page.component;
  return (
    <div className="shell">
      <aside className="sidebar">
        <nav className="sidebar-inner" aria-label="Console">
          <Link to="/" className="brand">
            <Logo />
            <span>Bulwark</span>
          </Link>
          {[...sections].map(([section, list]) => (
            <div key={section} className="nav-section">
              <div className="nav-heading">{section}</div>
              {list.map((p) => (
                <Link
                  key={p.path}
                  to={p.path}
                  className={`nav-link${active(p) ? ' active' : ''}`}
                  aria-current={active(p) ? 'page' : undefined}
                >
                  {p.nav!.label}
                </Link>
              ))}
            </div>
          ))}
          <div className="nav-foot">
            <a href="/api/v1/openapi.json" target="_blank" rel="noreferrer">
              API reference
            </a>
          </div>
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
          <div className="crumb">{title}</div>
          <div className="whoami" data-testid="whoami">
            <span className="who-name">{me.name}</span>
            <span className={`pill pill-role pill-role-${me.role}`}>{me.role}</span>
            <button type="button" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </header>
        <main className="content">
          {!hit || !Component ? (
            <div className="empty">
              <h1>Not found</h1>
              <p>
                No console page at <code>{loc.path}</code>. <Link to="/">Go to the overview</Link>.
              </p>
            </div>
          ) : !allowed ? (
            <div className="banner banner-error" role="alert">
              <strong>BW_ERR_FORBIDDEN</strong> This page needs the role {hit.page.roles!.join(' or ')}; your
              key is {me.role}.
            </div>
          ) : (
            <Component key={hit.page.path} params={hit.params} query={loc.query} me={me} />
          )}
        </main>
      </div>
    </div>
  );
}
