// Package chat holds deskchat's domain: the types (users, customers,
// conversations, messages, events), the service interfaces that storage
// implementations satisfy, and the single error type with stable codes.
//
// Vocabulary: one word per thing, from the database to the screen. A
// customer is a person who writes to the helpdesk from a website (a
// visitor of that site, through the widget); an agent, or user, is a team
// member. A widget session is distinct from its customer: it is one
// browser's token (POST /v1/widget/session), and a customer keeps one
// record across the visits it makes with it.
//
// It imports only the standard library so that every other package (SQLite
// store, HTTP transport, hub, desktop sync engine) can depend on it without
// pulling in each other.
package chat
