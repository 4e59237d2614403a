import { useEffect } from 'react';

/** Calls `reload` every `ms` while `active` (a queued scan still running), skipping while the tab is hidden. */
export function usePollWhile(active: boolean, reload: () => void, ms = 1500): void {
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => {
      if (!document.hidden) reload();
    }, ms);
    return () => clearInterval(t);
  }, [active, reload, ms]);
}
