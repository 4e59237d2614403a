import type { PageDef } from '../page.ts';
import { assetDetailPage } from './AssetDetail.tsx';
import { assetsPage } from './Assets.tsx';
import { auditPage } from './Audit.tsx';
import { findingsPage } from './Findings.tsx';
import { gatewayPage } from './Gateway.tsx';
import { overviewPage } from './Overview.tsx';
import { registryPage } from './Registry.tsx';
import { registryModelPage } from './RegistryModel.tsx';
import { runDetailPage } from './RunDetail.tsx';
import { runsPage } from './Runs.tsx';
import { scanDetailPage } from './ScanDetail.tsx';
import { scansPage } from './Scans.tsx';

/**
 * The console's page registry: the router matches paths in this order and the sidebar lists the pages
 * that have `nav`, grouped by section in this order. A new page is one file plus one line here.
 */
export const pages: PageDef[] = [
  overviewPage,
  assetsPage,
  assetDetailPage,
  findingsPage,
  runsPage,
  runDetailPage,
  scansPage,
  scanDetailPage,
  registryPage,
  registryModelPage,
  gatewayPage,
  auditPage,
];
