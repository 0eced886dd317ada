import { cacheValidationMetadata } from './class-validator-metadata.seam.js';
import { installSseFrameWriter } from './nest-sse-stream.seam.js';

/**
 * Installs the patches to libraries' internals this app still needs, once,
 * from `main.ts` before the app is created. Each lives in this folder with
 * a spec that fails when its library changes, and says when it can go.
 */
export function installSeams(): void {
  installSseFrameWriter();
  cacheValidationMetadata();
}
