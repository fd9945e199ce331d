// Package chat holds deskchat's domain: the types (users, customers,
// conversations, messages, events), the service interfaces that storage
// implementations satisfy, and the single error type with stable codes.
//
// It imports only the standard library so that every other package (SQLite
// store, HTTP transport, hub, desktop sync engine) can depend on it without
// pulling in each other.
package chat
