// Package app is the desktop layer of deskchat: a thin layer of Wails-bound
// services. Each service covers one area; New builds them all and Bind lists
// them for Wails (main.go), and OnStartup starts them. Services keep Wails
// runtime calls behind small interfaces so they compile and test without a
// window.
//
// Errors of bound methods reach the UI as Wails passes them, as a sentence
// (the promise rejects with err.Error()): the server's own message for a
// refusal (its code stays on this side: userError), ErrOffline when a call
// that needs the server cannot reach it, and "Not signed in." before a
// session exists. Acts that can wait (replies, edits, deletes, close,
// reopen, read marks) never fail offline: they go to the outbox.
package app
