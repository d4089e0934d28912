export { EventLog, EVENT_KINDS, type EventDetails, type EventKind, type LoggedEvent } from './event-log.js';
export { realtimeNs } from './clock.js';
