// The bridge to the bound Go services (window.go.app.*) and the Wails
// event bus (window.runtime). Everything the UI does goes through here, so
// unit tests can install a bridge of their own with setBridge.
import type { AppEvents, Bridge } from './bindings.gen';

// The bound services are typed by bindings.gen.ts, generated from the Go
// methods themselves (TestBindingsTypeScript), so a call that no longer
// matches them fails to compile.
export type { AppEvents, Bridge };

export type Unsubscribe = () => void;
export interface Events { on(name: string, cb: (data: any) => void): Unsubscribe }
/** An event the desktop emits, typed by what it carries (app.EventData). */
export type AppEvent = keyof AppEvents;

let bridge: Bridge | undefined;
let events: Events | undefined;

/** The bound services; undefined outside the desktop app (plain browser). */
export function api(): Bridge | undefined {
  return bridge ?? (globalThis as any).go?.app;
}

/** Subscribes to a Go event; a no-op outside the app. */
export function on<K extends AppEvent>(name: K, cb: (data: AppEvents[K]) => void): Unsubscribe {
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

/**
 * Runs a store's bound call(s): clears the store's error signal, runs fn,
 * and shows errorText there when it rejects. Resolves true when fn
 * succeeded. Every store action that reports into an error line uses it.
 */
export async function attempt(error: { value: string }, fn: () => Promise<unknown>): Promise<boolean> {
  error.value = '';
  try {
    await fn();
    return true;
  } catch (err) {
    error.value = errorText(err);
    return false;
  }
}
