// The bridge to the bound Go services (window.go.app.*) and the Wails
// event bus (window.runtime). Everything the UI does goes through here, so
// unit tests can install a bridge of their own with setBridge.
import type {
  Conversation, ConversationView, CustomerDetails, Erasure, Item, ItemRef, NewItem, Prefs, SearchResult,
  SectionCounts, SessionStatus, Settings, User,
} from './types';

export interface Bridge {
  SessionService: {
    Status(): Promise<SessionStatus>;
    SignIn(p: { server_url: string; email: string; password: string }): Promise<SessionStatus>;
    SignOut(): Promise<void>;
    StartLocalHelpdesk(): Promise<SessionStatus>;
  };
  InboxService: {
    ListConversations(p: { section: string; status: string; before_activity?: number; before_id?: number; limit?: number }): Promise<Conversation[] | null>;
    Counts(): Promise<SectionCounts>;
    Conversation(p: { conversation_id: number }): Promise<Conversation>;
    Messages(p: { conversation_id: number; before_id?: number; limit?: number }): Promise<ConversationView>;
    OpenConversation(p: { conversation_id: number; focused: boolean }): Promise<void>;
    SetFocus(p: { conversation_id: number; focused: boolean }): Promise<void>;
    Send(p: { conversation_id: number; text: string }): Promise<void>;
    Edit(p: { conversation_id: number; message_id: number; text: string }): Promise<void>;
    Delete(p: { conversation_id: number; message_id: number }): Promise<void>;
    Retry(clientID: string): Promise<void>;
    Discard(clientID: string): Promise<void>;
    Close(p: { conversation_id: number }): Promise<void>;
    Reopen(p: { conversation_id: number }): Promise<void>;
    Typing(p: { conversation_id: number }): Promise<void>;
    Search(p: { query: string; limit?: number }): Promise<SearchResult[] | null>;
    UnreadTotal(): Promise<number>;
  };
  ItemService: {
    Propose(p: { conversation_id: number; type: string }): Promise<NewItem>;
    Create(ni: NewItem): Promise<Item>;
    Find(q: string): Promise<ItemRef[] | null>;
    Get(n: number): Promise<Item>;
    Update(p: { number: number; title?: string; description?: string; status?: string; priority?: string }): Promise<Item>;
    SetRole(p: { number: number; user_id: number; role: 'assignee' | 'follower'; on: boolean }): Promise<Item>;
    Link(p: { conversation_id: number; number: number }): Promise<Conversation>;
  };
  PeopleService: {
    Team(): Promise<User[] | null>;
    User(id: number): Promise<User>;
    Customer(id: number): Promise<CustomerDetails>;
    EraseCustomer(id: number): Promise<Erasure>;
    StartTeamConversation(p: { participant_ids: number[]; text: string }): Promise<Conversation>;
  };
  HelpdeskService: {
    Settings(): Promise<Settings>;
    SetOnline(online: boolean): Promise<Settings>;
    UpdateSettings(u: Partial<Settings>): Promise<Settings>;
    WidgetSnippet(): Promise<string>;
    AddMember(p: { email: string; name: string; password: string; admin: boolean; support: boolean }): Promise<User>;
    UpdateMember(p: { id: number; name?: string; admin?: boolean; support?: boolean; active?: boolean }): Promise<User>;
  };
  DesktopService: {
    Prefs(): Promise<Prefs>;
    SetPrefs(p: Prefs): Promise<void>;
    SetCompact(on: boolean): Promise<void>;
    Open(id: number): Promise<void>;
    Quit(): Promise<void>;
  };
}

export type Unsubscribe = () => void;
export interface Events { on(name: string, cb: (data: any) => void): Unsubscribe }

let bridge: Bridge | undefined;
let events: Events | undefined;

/** The bound services; undefined outside the desktop app (plain browser). */
export function api(): Bridge | undefined {
  return bridge ?? (globalThis as any).go?.app;
}

/** Subscribes to a Go event; a no-op outside the app. */
export function on(name: string, cb: (data: any) => void): Unsubscribe {
  if (events) return events.on(name, cb);
  const rt = (globalThis as any).runtime;
  if (!rt?.EventsOn) return () => undefined;
  return rt.EventsOn(name, cb);
}

/** For tests: a bridge and event bus of their own. */
export function setBridge(b: Bridge | undefined, e?: Events) {
  bridge = b;
  events = e;
}

/** The message of an error a bound call rejected with (Wails rejects with a string). */
export function errorText(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) return err.message;
  return String(err);
}
