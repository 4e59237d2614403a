import { fmtBytes, fmtTime, shortHash } from '../format.ts';
import { definePage } from '../page.ts';
import { Link } from '../router.tsx';
import { IntegrityPill, ScanStatusCell, SignaturePill, StagePill } from '../components/scan-status.tsx';
import { useApi } from '../components/useApi.ts';
import { Empty, ErrorBanner, Loading, PageHeader, Panel, Pill } from '../components/ui.tsx';
import type { RegistryModel, RegistryVersion } from '../types.ts';

export function modelPath(name: string): string {
  return `/registry/${encodeURIComponent(name)}`;
}

/** One row per version: its stage and what the checks at push (and the last verification) said. */
export function VersionCells({ v }: { v: RegistryVersion }) {
  return (
    <>
      <td>
        <StagePill stage={v.stage} />
      </td>
      <td>
        <SignaturePill signature={v.signature} />
      </td>
      <td>
        <ScanStatusCell scan={v.scan} />
      </td>
      <td>{v.bom ? <Pill tone="ok">yes</Pill> : <Pill>no</Pill>}</td>
      <td>
        <IntegrityPill integrity={v.integrity} />
      </td>
      <td className="mono small" title={v.digest}>
        {shortHash(v.digest)}
      </td>
      <td className="nowrap">{fmtBytes(v.size)}</td>
    </>
  );
}

export const VERSION_HEADERS = ['Stage', 'Signature', 'Scan', 'BOM', 'Integrity', 'Digest', 'Size'];

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
