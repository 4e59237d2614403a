import { definePage, type PageProps } from '../page.ts';
import { FindingsTable } from '../components/FindingsTable.tsx';
import { PageHeader, Panel } from '../components/ui.tsx';

function Findings({ query }: PageProps) {
  return (
    <>
      <PageHeader
        title="Findings"
        sub="Every engine's findings, most severe first. Click a row for its evidence."
      />
      <Panel flush>
        <FindingsTable query={query} />
      </Panel>
    </>
  );
}

export const findingsPage = definePage({
  path: '/findings',
  title: 'Findings',
  nav: { label: 'Findings', section: 'Security' },
  component: Findings,
});
