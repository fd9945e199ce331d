// The JSON shapes of the bound Go services (package app and backend/chat).
// Times arrive as RFC 3339 strings.

export type Status = 'open' | 'closed';
export type Section = 'customers' | 'mine';

export interface Author { kind: 'user' | 'customer' | 'system'; id?: number; name: string }
export interface Participant { user_id: number; name: string; added_at: string }
export interface ItemRef { number: number; type: 'ticket' | 'task'; title: string; status: string }
export interface Customer {
  id: number; name: string; email: string; first_seen: string; last_seen: string;
  page_url: string; browser: string; language: string; time_zone: string; erased_at?: string;
}
export interface Message {
  id: number; conversation_id: number; author: Author; text: string; system?: string; internal?: boolean;
  client_id?: string; created_at: string; edited_at?: string; deleted_at?: string;
}
export interface Conversation {
  id: number; kind: 'customer' | 'team'; status: Status; customer_id?: number; customer?: Customer;
  participants: Participant[] | null; created_at: string; last_activity_at: string; closed_at?: string; erased_at?: string;
  last_message?: Message; item?: ItemRef; unread: number; last_read_message_id?: number;
}
export interface OutboxEntry {
  seq: number; client_id: string; kind: 'send' | 'edit' | 'delete' | 'close' | 'reopen' | 'read';
  conversation_id: number; message_id?: number; text?: string; failed?: string;
}
export interface ConversationView { messages: Message[]; pending: OutboxEntry[] }
export interface StatusCounts { open: number; closed: number }
export interface SectionCounts { customers?: StatusCounts; mine: StatusCounts }
export interface User {
  id: number; email: string; name: string; admin: boolean; support: boolean; active: boolean;
  time_zone: string; created_at: string; online: boolean;
}
export interface Person { id: number; name: string }
export interface ConversationRef { id: number; kind: string; status: Status; customer_name?: string; last_activity_at: string }
export interface Item {
  number: number; type: 'ticket' | 'task'; title: string; description: string; status: string; priority: string;
  requester?: Customer; creator: Person; assignees: Person[] | null; followers: Person[] | null;
  conversations: ConversationRef[] | null; created_at: string; updated_at: string;
}
export interface NewItem {
  type: 'ticket' | 'task'; title: string; description: string; status?: string; priority?: string;
  requester_id?: number; assignee_ids?: number[]; follower_ids?: number[]; conversation_id?: number;
}
export interface CustomerDetails extends Customer { local_time?: string; conversations: ConversationRef[] | null; items: ItemRef[] | null }
export interface Erasure {
  customer_id: number; by: Author; at: string; conversations: number; messages: number;
}
export interface Segment { text: string; hit?: boolean }
export interface SearchResult {
  kind: 'message' | 'customer' | 'item'; conversation_id?: number; message_id?: number; item_number?: number;
  title: string; snippet: Segment[] | null; status?: string; at: string;
}
export interface Settings {
  online: boolean; online_message: string; offline_message: string; greeting: string; widget_title: string;
  allowed_origins: string[] | null; offline_auto_reply: boolean; online_changed_at: string;
}
export interface SyncState { phase: 'connecting' | 'syncing' | 'connected' | 'reconnecting' | 'signed_out' | ''; progress: number; retry_in?: number; error?: string }
export interface SessionStatus {
  signed_in: boolean; server_url?: string; local: boolean; preview_url?: string; user?: User; sync: SyncState; muted: boolean;
}
export interface Prefs { hide_on_close: boolean; compact_on_top: boolean; muted: boolean; tray: boolean; compact: boolean }
export interface Ephemeral { type: 'typing' | 'presence'; conversation_id?: number; data: any }

export const ITEM_STATUSES = ['new', 'open', 'in_progress', 'resolved', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
