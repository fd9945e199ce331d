// The JSON shapes of the bound Go services (package app and backend/chat).
// Times arrive as RFC 3339 strings.

// The server's shapes are generated from Go (protocol.gen.ts); only the
// desktop app's own ones are declared here.
export type {
  ActorKind, AuditEntry, Author, Conversation, ConversationKind, ConversationRef, Customer, CustomerDetails, Erasure,
  Event, Item, ItemRef, ItemStatus, ItemType, Message, NewItem, Participant, Person, Priority, SearchResult, Section,
  SectionCounts, Segment, Settings, Status, StatusCounts, User,
} from './protocol.gen';
export { ITEM_STATUSES, PRIORITIES } from './protocol.gen';
import type { Message, User } from './protocol.gen';

export interface OutboxEntry {
  seq: number; client_id: string; kind: 'send' | 'edit' | 'delete' | 'close' | 'reopen' | 'read';
  conversation_id: number; message_id?: number; text?: string; failed?: string;
}
export interface ConversationView { messages: Message[]; pending: OutboxEntry[] }
export interface SyncState { phase: 'connecting' | 'syncing' | 'connected' | 'reconnecting' | 'signed_out' | ''; progress: number; retry_in?: number; error?: string }
export interface SessionStatus {
  signed_in: boolean; server_url?: string; local: boolean; preview_url?: string; user?: User; sync: SyncState; muted: boolean;
}
export interface Prefs { hide_on_close: boolean; compact_on_top: boolean; muted: boolean; tray: boolean; compact: boolean }
export interface Ephemeral { type: 'typing' | 'presence'; conversation_id?: number; data: any }


