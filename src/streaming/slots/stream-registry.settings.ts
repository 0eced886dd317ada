import type { Env } from '../../config/settings.js';

/** The caps on open streams, read by the stream registry. */
export interface StreamRegistrySettings {
  /** Open streams of this process in all (SSE_MAX_STREAMS). */
  maxStreams: number;
  /** Open streams per address when the API is open (SSE_MAX_STREAMS_PER_IP). */
  maxPerIp: number;
  /** Open streams per API key (MAX_STREAMS_PER_KEY). */
  maxPerKey: number;
}

export const STREAM_REGISTRY_SETTINGS = Symbol('STREAM_REGISTRY_SETTINGS');

export const streamRegistrySettings = (env: Env): StreamRegistrySettings => ({
  maxStreams: env.SSE_MAX_STREAMS,
  maxPerIp: env.SSE_MAX_STREAMS_PER_IP,
  maxPerKey: env.MAX_STREAMS_PER_KEY,
});
