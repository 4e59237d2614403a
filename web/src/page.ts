import type { ComponentType } from 'react';
import type { Me, Role } from './types.ts';

export interface PageProps {
  /** Path parameters, e.g. `{ id }` for `/assets/:id`. */
  params: Record<string, string>;
  /** The query string: pages keep their filters and paging here so views can be shared. */
  query: URLSearchParams;
  me: Me;
}

/** One console page. Adding a page is one file exporting a PageDef plus one line in pages/index.ts. */
export interface PageDef {
  /** History path, with `:name` parameters. */
  path: string;
  title: string;
  /** Listed in the sidebar when set; sections appear in registry order. */
  nav?: { label: string; section: string };
  /** Roles that may open the page; every signed-in role when left out. */
  roles?: readonly Role[];
  component: ComponentType<PageProps>;
}

export function definePage(page: PageDef): PageDef {
  return page;
}
