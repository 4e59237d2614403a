import type { RouteDef } from '../route.ts';
import { adminRoutes } from './admin.ts';
import { assetRoutes } from './assets.ts';
import { findingRoutes } from './findings.ts';
import { gatewayRoutes } from './gateway.ts';
import { registryRoutes } from './registry.ts';
import { scanRoutes } from './scans.ts';

/** Every REST route of the control plane. Engines add their route modules here. */
export const apiRoutes: RouteDef[] = [
  ...assetRoutes,
  ...findingRoutes,
  ...adminRoutes,
  ...registryRoutes,
  ...scanRoutes,
  ...gatewayRoutes,
];
