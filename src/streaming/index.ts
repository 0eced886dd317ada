/** The streaming core's public API: what an API format builds on. */
export { InFlightReplies } from './in-flight-replies.js';
export {
  ReplyFailure,
  SHUTDOWN_REASON,
  type ReplyResult,
  type ReplySink,
} from './reply.js';
export { ReplyRunner, type ReplyRunOptions } from './reply-runner.js';
export { StreamingModule } from './streaming.module.js';
