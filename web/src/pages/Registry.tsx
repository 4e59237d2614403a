import { fmtTime } from '../format.ts';
import { definePage } from '../page.ts';
import { Link } from '../router.tsx';
import { modelPath, VERSION_HEADERS, VersionCells } from '../components/model-status.tsx';
import { useApi } from '../components/useApi.ts';
import { Empty, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import type { RegistryModel } from '../types.ts';

function Registry() {
  const { data, error, loading } = useApi<{ items: RegistryModel[] }>('/api/v1/registry');
  return (
    <>
      <PageHeader
        title="Model registry"
        sub="Versions move candidate → approved → production through gates: signature, scan, AI-BOM, digests"
      />
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : null}
      {data?.items.length === 0 ? (
        <Panel>
          <Empty>
            No models registered. Push one with{' '}
            <code>bulwark registry push PATH --name NAME --version V</code>.
          </Empty>
        </Panel>
      ) : null}
      {data?.items.map(({ asset, versions }) => {
        const prod = versions.find((v) => v.stage === 'production');
        return (
          <Panel
            key={asset.id}
            flush
            title={
              <Link to={modelPath(asset.name)} data-model={asset.name}>
                {asset.name}
              </Link>
            }
            actions={
              <span className="muted small">
                {versions.length} version(s) · production:{' '}
                {prod ? <span className="mono">{prod.version}</span> : 'none'}
              </span>
            }
          >
            <table className="grid registry-table" data-model-table={asset.name}>
              <thead>
                <tr>
                  <th>Version</th>
                  {VERSION_HEADERS.map((h) => (
                    <th key={h}>{h}</th>
                  ))}
                  <th>Pushed</th>
                </tr>
              </thead>
              <tbody>
                {[...versions].reverse().map((v) => (
                  <tr key={v.versionId} data-version={v.version}>
                    <td className="mono strong">
                      <Link to={modelPath(asset.name)}>{v.version}</Link>
                    </td>
                    <VersionCells v={v} />
                    <td className="nowrap">{fmtTime(v.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Panel>
        );
      })}
    </>
  );
}

export const registryPage = definePage({
  path: '/registry',
  title: 'Model registry',
  nav: { label: 'Model registry', section: 'Security' },
  component: Registry,
});
