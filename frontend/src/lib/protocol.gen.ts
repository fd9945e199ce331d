// The wire shapes of deskchat, generated from backend/chat by
// `make generate` (TestProtocolTypeScript fails when this file is stale).
// Do not edit by hand.

export type ActorKind = "user" | "customer" | "system";

export type ConversationKind = "customer" | "team";

export type Status = "open" | "closed";

export type Section = "customers" | "mine";

export type ItemType = "ticket" | "task";

export type ItemStatus = "new" | "open" | "in_progress" | "resolved" | "closed";

export type Priority = "low" | "normal" | "high" | "urgent";

export type ItemRole = "creator" | "assignee" | "follower";

export type AuditAction = "edit" | "delete";

export type AssigneeFilter = "me" | "none";

export const ITEM_STATUSES = ["new","open","in_progress","resolved","closed"] as const;

export const PRIORITIES = ["low","normal","high","urgent"] as const;

export interface User {
  id: number;
  email: string;
  name: string;
  admin: boolean;
  support: boolean;
  active: boolean;
  time_zone: string;
  created_at: string;
  online: boolean;
}

export interface Customer {
  id: number;
  name: string;
  email: string;
  first_seen: string;
  last_seen: string;
  page_url: string;
  browser: string;
  language: string;
  time_zone: string;
  erased_at?: string;
}

export interface CustomerDetails {
  id: number;
  name: string;
  email: string;
  first_seen: string;
  last_seen: string;
  page_url: string;
  browser: string;
  language: string;
  time_zone: string;
  erased_at?: string;
  local_time?: string;
  conversations: ConversationRef[] | null;
  items: ItemRef[] | null;
}

export interface ConversationRef {
  id: number;
  kind: ConversationKind;
  status: Status;
  customer_name?: string;
  last_activity_at: string;
}

export interface ItemRef {
  number: number;
  type: ItemType;
  title: string;
  status: ItemStatus;
}

export interface CustomerInfo {
  name?: string;
  email?: string;
  page_url?: string;
  browser?: string;
  language?: string;
  time_zone?: string;
}

export interface Conversation {
  id: number;
  kind: ConversationKind;
  status: Status;
  customer_id?: number;
  customer?: Customer;
  participants: Participant[] | null;
  created_at: string;
  last_activity_at: string;
  closed_at?: string;
  erased_at?: string;
  last_message?: Message;
  item?: ItemRef;
  assignee?: Person;
  unread: number;
  last_read_message_id?: number;
}

export interface Participant {
  user_id: number;
  name: string;
  added_at: string;
}

export interface Message {
  id: number;
  conversation_id: number;
  author: Author;
  text: string;
  system?: string;
  system_params?: SystemParams;
  internal?: boolean;
  mentions?: number[];
  attachments?: Attachment[];
  client_id?: string;
  created_at: string;
  edited_at?: string;
  deleted_at?: string;
}

export interface Person {
  id: number;
  name: string;
}

export interface Author {
  kind: ActorKind;
  id?: number;
  name: string;
}

export interface SystemParams {
  key: string;
  actor?: string;
  actor_kind?: ActorKind;
  assignee?: string;
  item_number?: number;
  texts?: Record<string, string>;
}

export interface Attachment {
  id: string;
  name: string;
  type: string;
  size: number;
  image?: boolean;
  width?: number;
  height?: number;
}

export interface NewConversation {
  client_id: string;
  text: string;
  participant_ids: number[] | null;
  attachments?: string[];
}

export interface NewMessage {
  client_id: string;
  text: string;
  internal?: boolean;
  mentions?: number[];
  attachments?: string[];
}

export interface AuditEntry {
  id: number;
  message_id: number;
  action: AuditAction;
  actor: Author;
  old_text: string;
  new_text: string;
  at: string;
}

export interface ReadState {
  conversation_id: number;
  user_id: number;
  last_read_message_id: number;
  unread: number;
  updated_at: string;
}

export interface UnreadCounts {
  conversations: number;
  messages: number;
  by_conversation: ConversationUnread[] | null;
}

export interface ConversationUnread {
  conversation_id: number;
  unread: number;
}

export interface SectionCounts {
  customers?: StatusCounts;
  mine: StatusCounts;
  assignment?: AssignmentCounts;
}

export interface StatusCounts {
  open: number;
  closed: number;
}

export interface AssignmentCounts {
  unassigned: number;
  assigned_to_me: number;
}

export interface Item {
  number: number;
  type: ItemType;
  title: string;
  description: string;
  status: ItemStatus;
  priority: Priority;
  requester?: Customer;
  creator: Person;
  assignees: Person[] | null;
  followers: Person[] | null;
  conversations: ConversationRef[] | null;
  created_at: string;
  updated_at: string;
}

export interface NewItem {
  type: ItemType;
  title: string;
  description: string;
  status?: ItemStatus;
  priority?: Priority;
  requester_id?: number;
  assignee_ids?: number[];
  follower_ids?: number[];
  conversation_id?: number;
  client_id?: string;
  proposal?: ProposalFacts;
}

export interface ProposalFacts {
  conversation_id: number;
  messages: number;
  first?: string;
  last?: string;
  fallback_title?: boolean;
}

export interface ItemUpdate {
  title?: string;
  description?: string;
  status?: ItemStatus;
  priority?: Priority;
  requester_id?: number;
}

export interface Settings {
  online: boolean;
  online_message: string;
  offline_message: string;
  greeting: string;
  widget_title: string;
  allowed_origins: string[] | null;
  offline_auto_reply: boolean;
  online_changed_at: string;
  auto_assign: boolean;
  assign_capacity: number;
  unassign_offline_after: number;
  waiting_reminder: number;
  max_file_bytes: number;
  keep_image_location: boolean;
  translations?: Record<string, SettingTexts>;
}

export interface SettingTexts {
  online_message?: string;
  offline_message?: string;
  greeting?: string;
  widget_title?: string;
}

export interface SettingsUpdate {
  online_message?: string;
  offline_message?: string;
  greeting?: string;
  widget_title?: string;
  allowed_origins?: string[];
  offline_auto_reply?: boolean;
  auto_assign?: boolean;
  assign_capacity?: number;
  unassign_offline_after?: number;
  waiting_reminder?: number;
  max_file_bytes?: number;
  keep_image_location?: boolean;
  translations?: Record<string, SettingTexts>;
}

export interface WidgetConfig {
  online: boolean;
  message: string;
  greeting: string;
  title: string;
  max_file_bytes: number;
  translations?: Record<string, WidgetTexts>;
}

export interface WidgetTexts {
  message: string;
  greeting: string;
  title: string;
}

export interface SearchResult {
  kind: string;
  conversation_id?: number;
  message_id?: number;
  item_number?: number;
  title: string;
  system?: boolean;
  snippet: Segment[] | null;
  status?: string;
  at: string;
  rank: number;
}

export interface Segment {
  text: string;
  hit?: boolean;
}

export interface Erasure {
  customer_id: number;
  by: Author;
  at: string;
  conversations: number;
  messages: number;
}

export interface CustomerErased {
  customer?: Customer;
  conversation_ids: number[] | null;
}

export interface ParticipantAdded {
  conversation?: Conversation;
  user_id: number;
}

export interface Event {
  seq: number;
  type: string;
  conversation_id?: number;
  data: unknown;
  created_at: string;
}

export interface TypingData {
  conversation_id: number;
  who: Author;
}

export interface PresenceData {
  user_id: number;
  online: boolean;
}

export interface ClientFrame {
  type: string;
  token?: string;
  cursor?: number;
  epoch?: string;
  id?: string;
  conversation_id?: number;
  internal?: boolean;
}

export interface WelcomeFrame {
  type: string;
  epoch: string;
  head: number;
  cursor: number;
  actor: Author;
}

export interface EventFrame {
  type: string;
  event?: Event;
}

export interface CaughtUpFrame {
  type: string;
  seq: number;
}

export interface ErrorFrame {
  type: string;
  error: ErrorBody;
  epoch?: string;
  head?: number;
  reason?: string;
}

export interface ErrorBody {
  code: string;
  message: string;
}

export interface PongFrame {
  type: string;
  id?: string;
}

export interface ServerFrame {
  type: string;
  epoch?: string;
  head?: number;
  cursor?: number;
  seq?: number;
  actor: Author;
  event?: Event;
  error?: ErrorBody;
  id?: string;
  reason?: string;
}

export interface ErrorResponse {
  error: ErrorBody;
}

export interface SavedReply {
  id: number;
  owner_id?: number;
  shortcut: string;
  title: string;
  text: string;
  created_at: string;
  updated_at: string;
}

export interface NewSavedReply {
  shortcut: string;
  title: string;
  text: string;
  personal?: boolean;
}

export interface SavedReplyUpdate {
  shortcut?: string;
  title?: string;
  text?: string;
}

export const FRAME_HELLO = "hello";

export const FRAME_PING = "ping";

export const FRAME_TYPING = "typing";

export const FRAME_WELCOME = "welcome";

export const FRAME_EVENT = "event";

export const FRAME_EPHEMERAL = "ephemeral";

export const FRAME_CAUGHT_UP = "caught_up";

export const FRAME_RESYNC = "resync";

export const FRAME_ERROR = "error";

export const FRAME_PONG = "pong";

export const CLOSE_RESYNC = 4000;

export const CLOSE_UNAUTHORIZED = 4001;

export const CLOSE_SLOW_CONSUMER = 4008;

export const RESYNC_EPOCH = "epoch";

export const RESYNC_NO_EPOCH = "no_epoch";

export const RESYNC_AHEAD = "ahead";

export const RESYNC_PRUNED = "pruned";

export const EVENT_CONVERSATION_CREATED = "conversation.created";

export const EVENT_CONVERSATION_CLOSED = "conversation.closed";

export const EVENT_CONVERSATION_REOPENED = "conversation.reopened";

export const EVENT_PARTICIPANT_ADDED = "conversation.participant_added";

export const EVENT_MESSAGE_CREATED = "message.created";

export const EVENT_MESSAGE_EDITED = "message.edited";

export const EVENT_MESSAGE_DELETED = "message.deleted";

export const EVENT_READ_UPDATED = "read.updated";

export const EVENT_USER_CREATED = "user.created";

export const EVENT_USER_UPDATED = "user.updated";

export const EVENT_CUSTOMER_UPDATED = "customer.updated";

export const EVENT_CUSTOMER_ERASED = "customer.erased";

export const EVENT_CONVERSATION_UPDATED = "conversation.updated";

export const EVENT_ITEM_CREATED = "item.created";

export const EVENT_ITEM_UPDATED = "item.updated";

export const EVENT_HELPDESK_UPDATED = "helpdesk.updated";

export const EVENT_WIDGET_CONFIG = "widget.config";

export const EVENT_TYPING = "typing";

export const EVENT_PRESENCE = "presence";

export const EVENT_SAVED_REPLY_UPDATED = "saved_reply.updated";

export const EVENT_SAVED_REPLY_DELETED = "saved_reply.deleted";

export const NOTE_ASSIGNED = "assigned";

export const PLACEHOLDERS = ["customer.name","customer.email","agent.name"] as const;

export const MAX_SHORTCUT_BYTES = 32;

export const E_UNAUTHORIZED = "unauthorized";

export const E_TOKEN_EXPIRED = "token_expired";

export const E_CUSTOMER_ERASED = "customer_erased";

export const E_RATE_LIMITED = "rate_limited";

export const E_RESYNC = "resync_required";

export const E_INVALID = "invalid";

export const E_UNAVAILABLE = "unavailable";

export const LATER_CODES = ["rate_limited","unavailable","internal","unauthorized","token_expired","customer_erased","resync_required"] as const;

export const SIGN_IN_CODES = ["unauthorized","token_expired","customer_erased"] as const;

export const MAX_MESSAGE = 5000;

export const MAX_NAME = 200;

export const MAX_TITLE = 200;

export const MAX_DESCRIPTION = 8000;

export const MAX_SETTING = 1000;

export const MAX_EMAIL_BYTES = 254;

export const MAX_QUERY = 200;

export const MAX_PAGE = 200;

export const MAX_ATTACHMENTS = 10;

export const DEFAULT_MAX_FILE_BYTES = 10485760;

export const MAX_FILE_BYTES_LIMIT = 52428800;

export const E_FILE_TOO_LARGE = "file_too_large";

export const E_FILE_EMPTY = "file_empty";

export const E_TOO_MANY_FILES = "too_many_files";
