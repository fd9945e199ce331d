// The bound Go services of the desktop app (window.go.app), generated from
// package app by `make generate` (TestBindingsTypeScript fails when this
// file is stale). Do not edit by hand.

import type { Conversation, CustomerDetails, Erasure, Event, Item, ItemRef, ItemRole, ItemStatus, ItemType, Message, NewItem, NewSavedReply, Priority, SavedReply, SearchResult, Section, SectionCounts, Settings, SettingsUpdate, Status, User } from './protocol.gen';

export type OutKind = "send_message" | "edit_message" | "delete_message" | "close_conversation" | "reopen_conversation" | "mark_read" | "link_conversation" | "create_item";

export interface SyncState {
  phase: string;
  progress: number;
  retry_in?: number;
  error?: string;
}

export interface OutboxEntry {
  seq: number;
  client_id: string;
  kind: OutKind;
  conversation_id: number;
  message_id?: number;
  text?: string;
  internal?: boolean;
  mentions?: number[];
  files?: OutFile[];
  item_number?: number;
  item?: NewItem;
  failed?: string;
}

export interface OutFile {
  token: string;
  name: string;
  size: number;
  upload?: Attachment;
  uploaded_at?: string;
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

export interface AboutInfo {
  name: string;
  version: string;
  goVersion: string;
  platform: string;
}

export interface PasswordParams {
  current: string;
  next: string;
}

export interface SignInParams {
  server_url: string;
  email: string;
  password: string;
}

export interface SessionStatus {
  signed_in: boolean;
  server_url?: string;
  local: boolean;
  preview_url?: string;
  user?: User;
  sync: SyncState;
  muted: boolean;
}

export interface SignOutParams {
  forget: boolean;
}

export interface ParticipantParams {
  conversation_id: number;
  user_id: number;
}

export interface AssignParams {
  conversation_id: number;
  user_id: number;
}

export interface ConversationParams {
  conversation_id: number;
}

export interface MessageRef {
  conversation_id: number;
  message_id: number;
}

export interface EditMessageParams {
  conversation_id: number;
  message_id: number;
  text: string;
}

export interface ExportParams {
  conversation_id: number;
  format: string;
}

export interface ExportSearchParams {
  query: string;
  limit?: number;
  section?: Section;
  status?: Status;
  customer_id?: number;
  from?: string;
  to?: string;
  format: string;
}

export interface ListParams {
  section: string;
  status: string;
  assignee?: string;
  before_activity?: number;
  before_id?: number;
  limit?: number;
}

export interface ListMessagesParams {
  conversation_id: number;
  before_id?: number;
  after_id?: number;
  limit?: number;
}

export interface ConversationView {
  messages: Message[] | null;
  pending: OutboxEntry[] | null;
}

export interface AuditEntry {
  id: number;
  message_id: number;
  action: string;
  actor: Author;
  old_text: string;
  new_text: string;
  at: string;
}

export interface Author {
  kind: string;
  id?: number;
  name: string;
}

export interface OpenParams {
  conversation_id: number;
  focused: boolean;
}

export interface SearchParams {
  query: string;
  limit?: number;
  section?: Section;
  status?: Status;
  customer_id?: number;
  from?: string;
  to?: string;
}

export interface SendMessageParams {
  conversation_id: number;
  text: string;
  internal?: boolean;
  mentions?: number[];
  files?: string[];
}

export interface TypingParams {
  conversation_id: number;
  internal?: boolean;
}

export interface LinkParams {
  conversation_id: number;
  number: number;
}

export interface ProposeItemParams {
  conversation_id: number;
  type: ItemType;
}

export interface ItemRoleParams {
  number: number;
  user_id: number;
  role: ItemRole;
  on: boolean;
}

export interface UpdateItemParams {
  number: number;
  title?: string;
  description?: string;
  status?: ItemStatus;
  priority?: Priority;
  requester_id?: number;
}

export interface CreateConversationParams {
  participant_ids: number[] | null;
  text: string;
}

export interface NewUserParams {
  email: string;
  name: string;
  password: string;
  admin: boolean;
  support: boolean;
}

export interface UpdateUserParams {
  id: number;
  name?: string;
  admin?: boolean;
  support?: boolean;
  active?: boolean;
}

export interface MuteParams {
  conversation_id: number;
  muted: boolean;
}

export interface Prefs {
  hide_on_close: boolean;
  compact_on_top: boolean;
  muted: boolean;
  sound_off: boolean;
  paused_until?: string;
  tray: boolean;
  compact: boolean;
  language: string;
  system_language: string;
  languages: string[] | null;
  theme: string;
}

export interface UpdateSavedReplyParams {
  id: number;
  shortcut?: string;
  title?: string;
  text?: string;
}

export interface FileRef {
  message_id: number;
  id: string;
}

export interface StagedFile {
  token: string;
  name: string;
  size: number;
  image: boolean;
}

export interface StageParams {
  conversation_id: number;
  name: string;
  data: string;
}

export interface Bridge {
  AboutService: {
    About(): Promise<AboutInfo>;
    OnStartup(p0: unknown): Promise<void>;
    Version(): Promise<string>;
  };
  SessionService: {
    ChangePassword(p0: PasswordParams): Promise<void>;
    Language(): Promise<string>;
    SetMuted(p0: boolean): Promise<void>;
    Shutdown(): Promise<void>;
    SignIn(p0: SignInParams): Promise<SessionStatus>;
    SignOut(p0: SignOutParams): Promise<void>;
    StartLocalHelpdesk(): Promise<SessionStatus>;
    Startup(p0: unknown): Promise<void>;
    Status(): Promise<SessionStatus>;
  };
  InboxService: {
    AddParticipant(p0: ParticipantParams): Promise<Conversation>;
    AssignConversation(p0: AssignParams): Promise<Conversation>;
    CloseConversation(p0: ConversationParams): Promise<void>;
    DeleteMessage(p0: MessageRef): Promise<void>;
    Discard(p0: string): Promise<void>;
    EditMessage(p0: EditMessageParams): Promise<void>;
    ExportConversation(p0: ExportParams): Promise<string>;
    ExportSearch(p0: ExportSearchParams): Promise<string>;
    FindConversationByID(p0: ConversationParams): Promise<Conversation>;
    ListConversations(p0: ListParams): Promise<Conversation[] | null>;
    ListMessages(p0: ListMessagesParams): Promise<ConversationView>;
    MessageAudit(p0: MessageRef): Promise<AuditEntry[] | null>;
    OpenConversation(p0: OpenParams): Promise<void>;
    ReopenConversation(p0: ConversationParams): Promise<void>;
    Retry(p0: string): Promise<void>;
    Search(p0: SearchParams): Promise<SearchResult[] | null>;
    SectionCounts(): Promise<SectionCounts>;
    SendMessage(p0: SendMessageParams): Promise<void>;
    SetFocus(p0: OpenParams): Promise<void>;
    Typing(p0: TypingParams): Promise<void>;
    UnreadTotal(): Promise<number>;
  };
  ItemService: {
    CreateItem(p0: NewItem): Promise<Item>;
    FindItemByNumber(p0: number): Promise<Item>;
    FindItems(p0: string): Promise<ItemRef[] | null>;
    LinkConversation(p0: LinkParams): Promise<Conversation>;
    ProposeItem(p0: ProposeItemParams): Promise<NewItem>;
    SetItemRole(p0: ItemRoleParams): Promise<Item>;
    UpdateItem(p0: UpdateItemParams): Promise<Item>;
  };
  PeopleService: {
    CreateConversation(p0: CreateConversationParams): Promise<Conversation>;
    EraseCustomer(p0: number): Promise<Erasure>;
    FindCustomerDetails(p0: number): Promise<CustomerDetails>;
    FindUserByID(p0: number): Promise<User>;
    ListUsers(): Promise<User[] | null>;
    SetTimeZone(p0: string): Promise<User>;
  };
  HelpdeskService: {
    CreateUser(p0: NewUserParams): Promise<User>;
    SetOnline(p0: boolean): Promise<Settings>;
    Settings(): Promise<Settings>;
    UpdateSettings(p0: SettingsUpdate): Promise<Settings>;
    UpdateUser(p0: UpdateUserParams): Promise<User>;
    WidgetSnippet(): Promise<string>;
  };
  DesktopService: {
    BeforeClose(): Promise<boolean>;
    Compose(p0: number): Promise<void>;
    ConversationMuted(p0: number): Promise<boolean>;
    MuteConversation(p0: MuteParams): Promise<void>;
    Open(p0: number): Promise<void>;
    OpenList(): Promise<void>;
    OpenPreview(): Promise<void>;
    PauseNotifications(p0: string): Promise<Prefs>;
    Prefs(): Promise<Prefs>;
    Quit(): Promise<void>;
    Refresh(): Promise<void>;
    SetCompact(p0: boolean): Promise<void>;
    SetOnline(p0: boolean): Promise<void>;
    SetPrefs(p0: Prefs): Promise<void>;
    Start(p0: unknown): Promise<void>;
  };
  SavedReplyService: {
    CreateSavedReply(p0: NewSavedReply): Promise<SavedReply>;
    DeleteSavedReply(p0: number): Promise<void>;
    ListSavedReplies(): Promise<SavedReply[] | null>;
    UpdateSavedReply(p0: UpdateSavedReplyParams): Promise<SavedReply>;
  };
  AttachmentService: {
    Open(p0: FileRef): Promise<string>;
    Pick(p0: ConversationParams): Promise<StagedFile[] | null>;
    Save(p0: FileRef): Promise<string>;
    Stage(p0: StageParams): Promise<StagedFile>;
    Thumbnail(p0: FileRef): Promise<string>;
    Unstage(p0: string): Promise<void>;
  };
}

export type WindowMode = "full" | "compact";

export interface InboxChange {
  live: boolean;
}

/** The desktop's events (app.EventData): name → what it carries. */
export interface AppEvents {
  "helpdesk:changed": Settings;
  "inbox:changed": InboxChange;
  "inbox:ephemeral": Event;
  "notify:compose": number;
  "notify:open": number;
  "prefs:changed": Prefs;
  "session:changed": SessionStatus;
  "sync:state": SyncState;
  "window:compose": number;
  "window:mode": WindowMode;
  "window:open": number;
}
