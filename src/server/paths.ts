import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { BulwarkError } from '../core/index.ts';

/**
 * Resolves a path an API client named and checks it lies inside one of the configured directories,
 * after following symlinks — so `../` and links cannot reach the rest of the file system.
 */
export async function allowedPath(requested: string, allowed: string[], field: string): Promise<string> {
  if (allowed.length === 0) {
    throw new BulwarkError(
      'BW_ERR_FORBIDDEN',
      'this server accepts no paths: configure server.allowedPaths, or upload the file',
      { field, status: 403 },
    );
  }
  if (!isAbsolute(requested))
    throw new BulwarkError('BW_ERR_VALIDATION', `${field}: must be an absolute path`, { field, status: 400 });
  let real: string;
  try {
    real = await realpath(requested);
  } catch {
    throw new BulwarkError('BW_ERR_NOT_FOUND', `${field}: no such file or directory`, { field, status: 404 });
  }
  for (const dir of allowed) {
    let root: string;
    try {
      root = await realpath(resolve(dir));
    } catch {
      continue;
    }
    const rel = relative(root, real);
    if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return real;
  }
  throw new BulwarkError('BW_ERR_FORBIDDEN', `${field}: path is outside server.allowedPaths`, {
    field,
    status: 403,
  });
}
