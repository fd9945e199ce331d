package chat

import (
	"errors"
	"fmt"
	"slices"
)

// Stable error codes. Clients branch on these, so they never change meaning;
// the HTTP layer maps each to a status in one table (httpapi/errors.go).
const (
	EInvalid         = "invalid"                // a field fails validation
	EInvalidJSON     = "invalid_json"           // body is not one JSON object
	EUnknownField    = "unknown_field"          // body has a field we do not know
	EInvalidUTF8     = "invalid_utf8"           // body or text is not valid UTF-8
	EBodyTooLarge    = "body_too_large"         // request body over the cap
	EMessageEmpty    = "message_empty"          // message text is empty or blank
	EMessageTooLong  = "message_too_long"       // message text over MaxMessageRunes
	EUnauthorized    = "unauthorized"           // no token, unknown or revoked token
	ETokenExpired    = "token_expired"          // token past its expiry
	ECustomerErased  = "customer_erased"        // the customer was erased: forget everything
	EBadCredentials  = "bad_credentials"        // login failed
	EForbidden       = "forbidden"              // authenticated but not allowed
	ENotAuthor       = "not_author"             // edit/delete of someone else's message
	ENotFound        = "not_found"              // unknown id, or an id the caller may not see
	EConflict        = "conflict"               // unique constraint, e.g. e-mail taken
	EOriginForbidden = "origin_not_allowed"     // browser Origin not in the allow-list
	ERateLimited     = "rate_limited"           // too many requests
	EResync          = "resync_required"        // event cursor cannot be replayed
	EUnavailable     = "unavailable"            // database busy/locked/full: retry later
	EMethod          = "method_not_allowed"     // the path exists, the method does not
	EMediaType       = "unsupported_media_type" // body is not application/json
	EFileEmpty       = "file_empty"             // an upload with no bytes
	EFileTooLarge    = "file_too_large"         // an upload over Settings.MaxFileBytes
	ETooManyFiles    = "too_many_files"         // a message naming more than MaxAttachments files
	ERange           = "range_not_satisfiable"  // a download's Range lies outside the file
	EInternal        = "internal"               // anything else; text never leaks
)

// Error is deskchat's one error type. Message is safe to show to the client.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("deskchat error: code=%s message=%s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted, client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EInternal for errors that are not ours.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the client-safe message of err; internal errors get a
// generic text so that no SQL or path reaches a client.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// LaterCodes are the answers that say "later" or "sign in" rather than
// refusing the request itself: a client keeps the request and tries it
// again (after signing in, for SignInCodes).
var LaterCodes = []string{ERateLimited, EUnavailable, EInternal, EUnauthorized, ETokenExpired, ECustomerErased, EResync}

// SignInCodes are the answers that end a session: the token is unknown,
// revoked or expired, or its customer was erased (then the client also
// forgets what it kept of them).
var SignInCodes = []string{EUnauthorized, ETokenExpired, ECustomerErased}

// Refused reports whether err is the server's refusal of the request
// itself, one the same request meets again (a bad text, a forbidden act, an
// unknown id): a client stops retrying it and shows the message. It is
// false for a network failure and for LaterCodes. The widget applies the
// same rule (refused in backend/widget/src/app.ts, over the generated
// LATER_CODES).
func Refused(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return !slices.Contains(LaterCodes, e.Code)
}

// The answers for ids that do not exist or that the actor may not see:
// ENotFound, one sentence per kind of thing, whichever store answers.

// ConversationNotFound: no conversation id the actor may see.
func ConversationNotFound(id int64) error {
	return Errorf(ENotFound, "Conversation %d not found.", id)
}

// MessageNotFound: no message id the actor may see.
func MessageNotFound(id int64) error { return Errorf(ENotFound, "Message %d not found.", id) }

// CustomerNotFound: no customer id the actor may see.
func CustomerNotFound(id int64) error { return Errorf(ENotFound, "Customer %d not found.", id) }

// ItemNotFound: no item with that number.
func ItemNotFound(number int64) error { return Errorf(ENotFound, "Item #%d not found.", number) }

// UserNotFound: no user with that id.
func UserNotFound(id int64) error { return Errorf(ENotFound, "User %d not found.", id) }

// InactiveUser: a participant or assignee must be an active user (EInvalid:
// the field is wrong).
func InactiveUser(id int64) error {
	return Errorf(EInvalid, "User %d does not exist or is not active.", id)
}

// The answers of authentication (EUnauthorized, ETokenExpired).

// TokenUnknown: no session has this token (never had, revoked, or its
// user is gone).
func TokenUnknown() error { return Errorf(EUnauthorized, "The token is unknown or revoked.") }

// TokenExpired: the session is past its expiry.
func TokenExpired() error { return Errorf(ETokenExpired, "The token has expired; sign in again.") }

// AccountDeactivated: the session's user was deactivated.
func AccountDeactivated() error { return Errorf(EUnauthorized, "This account is deactivated.") }

// ErasureNotFound: the customer was never erased.
func ErasureNotFound(customerID int64) error {
	return Errorf(ENotFound, "Customer %d was not erased.", customerID)
}

// NoSuchLogin: no user has this login e-mail (the transport answers
// EBadCredentials, not this, so e-mails cannot be probed).
func NoSuchLogin() error { return Errorf(ENotFound, "No such user.") }

// EmailTaken: another user has this e-mail (EConflict).
func EmailTaken(email string) error {
	return Errorf(EConflict, "A user with e-mail %s already exists.", email)
}

// CannotReplay: the log no longer holds (or never held) the events after
// the cursor; the client takes a snapshot instead (EResync).
func CannotReplay(after, first, last int64) error {
	return Errorf(EResync, "Cursor %d cannot be replayed (log holds %d..%d); resync.", after, first, last)
}
