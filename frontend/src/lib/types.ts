// The JSON shapes of the bound Go services (package app and backend/chat).
// Times arrive as RFC 3339 strings.

// The server's shapes are generated from Go (protocol.gen.ts); only the
// desktop app's own ones are declared here.
export type {
  ActorKind, AuditEntry, Author, Conversation, ConversationKind, ConversationRef, Customer, CustomerDetails, Erasure,
  Event, Item, ItemRef, ItemStatus, ItemType, Message, NewItem, Participant, Person, Priority, SearchResult, Section,
  SectionCounts, Segment, Settings, SettingsUpdate, Status, StatusCounts, User, SavedReply, NewSavedReply, SavedReplyUpdate,
  AssigneeFilter, AssignmentCounts,
} from './protocol.gen';
export { ITEM_STATUSES, PRIORITIES } from './protocol.gen';

// The desktop app's own shapes are generated from package app.
export type { ConversationView, InboxChange, OutboxEntry, OutKind, Prefs, SessionStatus, SyncState, WindowMode } from './bindings.gen';


