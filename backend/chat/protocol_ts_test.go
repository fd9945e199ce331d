package chat_test

import (
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/tsgen"
)

// protocolTS is where the TypeScript of the wire shapes is checked in; the
// agent UI and the widget import it.
const protocolTS = "../../frontend/src/lib/protocol.gen.ts"

// ProtocolTypeScript generates the TypeScript declarations of every shape
// that crosses the wire (the domain types, stream frames and events, error
// bodies) and of the constants clients need (frame types, close codes,
// resync reasons, event types, error codes, text limits).
func ProtocolTypeScript() string {
	f := tsgen.New("// The wire shapes of deskchat, generated from backend/chat by\n" +
		"// `make generate` (TestProtocolTypeScript fails when this file is stale).\n// Do not edit by hand.")
	f.Union(chat.ActorKind(""), string(chat.KindUser), string(chat.KindCustomer), string(chat.KindSystem))
	f.Union(chat.ConversationKind(""), string(chat.ConversationCustomer), string(chat.ConversationTeam))
	f.Union(chat.Status(""), string(chat.StatusOpen), string(chat.StatusClosed))
	f.Union(chat.Section(""), string(chat.SectionCustomers), string(chat.SectionMine))
	f.Union(chat.ItemType(""), string(chat.ItemTicket), string(chat.ItemTask))
	var statuses, priorities []string
	for _, s := range chat.ItemStatuses {
		statuses = append(statuses, string(s))
	}
	for _, p := range chat.Priorities {
		priorities = append(priorities, string(p))
	}
	f.Union(chat.ItemStatus(""), statuses...)
	f.Union(chat.Priority(""), priorities...)
	f.Union(chat.ItemRole(""), string(chat.RoleCreator), string(chat.RoleAssignee), string(chat.RoleFollower))
	f.Union(chat.AuditAction(""), string(chat.AuditEdit), string(chat.AuditDelete))
	f.Union(chat.AssigneeFilter(""), string(chat.AssignedToMe), string(chat.Unassigned))
	f.Const("ITEM_STATUSES", statuses)
	f.Const("PRIORITIES", priorities)
	for _, v := range []any{
		chat.User{}, chat.Customer{}, chat.CustomerDetails{}, chat.CustomerInfo{}, chat.Conversation{}, chat.ConversationRef{},
		chat.NewConversation{}, chat.Message{}, chat.NewMessage{}, chat.AuditEntry{}, chat.ReadState{}, chat.UnreadCounts{},
		chat.SectionCounts{}, chat.Item{}, chat.ItemRef{}, chat.NewItem{}, chat.ItemUpdate{}, chat.Person{}, chat.Settings{},
		chat.SettingsUpdate{}, chat.WidgetConfig{}, chat.SearchResult{}, chat.Erasure{}, chat.CustomerErased{},
		chat.ParticipantAdded{}, chat.Event{}, chat.TypingData{}, chat.PresenceData{}, chat.ClientFrame{},
		chat.WelcomeFrame{}, chat.EventFrame{}, chat.CaughtUpFrame{}, chat.ErrorFrame{}, chat.PongFrame{},
		chat.ServerFrame{}, chat.ErrorResponse{}, chat.AssignmentCounts{}, chat.SavedReply{}, chat.NewSavedReply{},
		chat.SavedReplyUpdate{},
	} {
		f.Type(v)
	}
	consts := []struct {
		name  string
		value any
	}{
		{"FRAME_HELLO", chat.FrameHello}, {"FRAME_PING", chat.FramePing}, {"FRAME_TYPING", chat.FrameTyping},
		{"FRAME_WELCOME", chat.FrameWelcome}, {"FRAME_EVENT", chat.FrameEvent}, {"FRAME_EPHEMERAL", chat.FrameEphemeral},
		{"FRAME_CAUGHT_UP", chat.FrameCaughtUp}, {"FRAME_RESYNC", chat.FrameResync}, {"FRAME_ERROR", chat.FrameError},
		{"FRAME_PONG", chat.FramePong},
		{"CLOSE_RESYNC", chat.CloseResync}, {"CLOSE_UNAUTHORIZED", chat.CloseUnauthorized}, {"CLOSE_SLOW_CONSUMER", chat.CloseSlowConsumer},
		{"RESYNC_EPOCH", chat.ResyncEpoch}, {"RESYNC_NO_EPOCH", chat.ResyncNoEpoch}, {"RESYNC_AHEAD", chat.ResyncAhead},
		{"RESYNC_PRUNED", chat.ResyncPruned},
		{"EVENT_CONVERSATION_CREATED", chat.EventConversationCreated}, {"EVENT_CONVERSATION_CLOSED", chat.EventConversationClosed},
		{"EVENT_CONVERSATION_REOPENED", chat.EventConversationReopened}, {"EVENT_PARTICIPANT_ADDED", chat.EventParticipantAdded},
		{"EVENT_MESSAGE_CREATED", chat.EventMessageCreated}, {"EVENT_MESSAGE_EDITED", chat.EventMessageEdited},
		{"EVENT_MESSAGE_DELETED", chat.EventMessageDeleted}, {"EVENT_READ_UPDATED", chat.EventReadUpdated},
		{"EVENT_USER_CREATED", chat.EventUserCreated}, {"EVENT_USER_UPDATED", chat.EventUserUpdated},
		{"EVENT_CUSTOMER_UPDATED", chat.EventCustomerUpdated}, {"EVENT_CUSTOMER_ERASED", chat.EventCustomerErased},
		{"EVENT_CONVERSATION_UPDATED", chat.EventConversationUpdated}, {"EVENT_ITEM_CREATED", chat.EventItemCreated},
		{"EVENT_ITEM_UPDATED", chat.EventItemUpdated}, {"EVENT_HELPDESK_UPDATED", chat.EventHelpdeskUpdated},
		{"EVENT_WIDGET_CONFIG", chat.EventWidgetConfig}, {"EVENT_TYPING", chat.EventTyping}, {"EVENT_PRESENCE", chat.EventPresence},
		{"EVENT_SAVED_REPLY_UPDATED", chat.EventSavedReplyUpdated}, {"EVENT_SAVED_REPLY_DELETED", chat.EventSavedReplyDeleted},
		{"NOTE_ASSIGNED", chat.NoteAssigned}, {"PLACEHOLDERS", chat.Placeholders}, {"MAX_SHORTCUT_BYTES", chat.MaxShortcutBytes},
		{"E_UNAUTHORIZED", chat.EUnauthorized}, {"E_TOKEN_EXPIRED", chat.ETokenExpired}, {"E_CUSTOMER_ERASED", chat.ECustomerErased},
		{"E_RATE_LIMITED", chat.ERateLimited}, {"E_RESYNC", chat.EResync}, {"E_INVALID", chat.EInvalid},
		{"E_UNAVAILABLE", chat.EUnavailable}, {"LATER_CODES", chat.LaterCodes}, {"SIGN_IN_CODES", chat.SignInCodes},
		{"MAX_MESSAGE", chat.MaxMessageRunes}, {"MAX_NAME", chat.MaxNameRunes}, {"MAX_TITLE", chat.MaxTitleRunes},
		{"MAX_DESCRIPTION", chat.MaxDescriptionRunes}, {"MAX_SETTING", chat.MaxSettingRunes}, {"MAX_EMAIL_BYTES", chat.MaxEmailBytes},
		{"MAX_QUERY", chat.MaxQueryRunes}, {"MAX_PAGE", chat.MaxPageSize},
		{"MAX_ATTACHMENTS", chat.MaxAttachments}, {"DEFAULT_MAX_FILE_BYTES", chat.DefaultMaxFileBytes},
		{"MAX_FILE_BYTES_LIMIT", chat.MaxFileBytesLimit},
		{"E_FILE_TOO_LARGE", chat.EFileTooLarge}, {"E_FILE_EMPTY", chat.EFileEmpty}, {"E_TOO_MANY_FILES", chat.ETooManyFiles},
	}
	for _, c := range consts {
		f.Const(c.name, c.value)
	}
	return f.String()
}

// TestProtocolTypeScript fails when the checked-in TypeScript differs from
// the Go definitions; DESKCHAT_UPDATE_TS=1 rewrites it (make generate).
func TestProtocolTypeScript(t *testing.T) {
	if err := tsgen.Verify(protocolTS, ProtocolTypeScript()); err != nil {
		t.Fatal(err)
	}
}
