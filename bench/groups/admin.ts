import { bundleLambda, kb, largestParts } from '../bundle';
import type { BenchGroup } from '../group';
import { atMost, type Figure } from '../report';
import { progress } from '../stats';
import { measureLoad } from './capture-load';

/**
 * admin.bundle_kb and admin.load_ratio: the console API function that serves leads, timelines
 * and results (functions/lambdas/admin), bundled as the stack bundles it, and its cold-start
 * load against the same bare handler the capture group uses, built and loaded the same way.
 * admin-compose, which compiles drafts with mjml, is measured alongside to show what the split
 * keeps out of the admin function.
 */
export const adminGroup: BenchGroup = {
  async run() {
    progress('admin', 'bundling functions/lambdas/admin/index.ts, admin-compose and the bare handler');
    const admin = await bundleLambda('functions/lambdas/admin/index.ts', 'admin');
    const compose = await bundleLambda('functions/lambdas/admin-compose/index.ts', 'admin-compose');
    const bare = await bundleLambda('bench/fixtures/bare-handler.ts', 'bare');
    progress('admin', `admin bundle ${kb(admin.bytes).toFixed(0)} KB, largest parts: ${largestParts(admin)}`);
    progress('admin', `admin-compose bundle ${kb(compose.bytes).toFixed(0)} KB`);

    const load = await measureLoad({ admin: admin.file, compose: compose.file, bare: bare.file }, 15, 2, 'admin');
    return [
      { name: 'bundle_kb', value: kb(admin.bytes), unit: 'KB', goal: atMost(800) },
      { name: 'load_ratio', value: load.admin.wallMs / load.bare.wallMs, unit: 'x' },
      { name: 'load_ms', value: load.admin.wallMs, unit: 'ms (node start to exit)' },
      { name: 'bare_load_ms', value: load.bare.wallMs, unit: 'ms (node start to exit)' },
      { name: 'compose_bundle_kb', value: kb(compose.bytes), unit: 'KB (draft routes)' },
      { name: 'compose_load_ratio', value: load.compose.wallMs / load.bare.wallMs, unit: 'x (draft routes)' },
    ] satisfies Figure[];
  },
};
