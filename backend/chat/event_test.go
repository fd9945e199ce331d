package chat_test

import (
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
)

func TestEventVisibleTo(t *testing.T) {
	support := chat.Actor{Kind: chat.KindUser, ID: 1, Support: true}
	dev := chat.Actor{Kind: chat.KindUser, ID: 2}
	customer := chat.Actor{Kind: chat.KindCustomer, ID: 7}
	other := chat.Actor{Kind: chat.KindCustomer, ID: 8}
	nobody := chat.Actor{}
	custConv := &chat.Event{Scope: chat.ScopeConversation, CustomerID: 7}
	custConvWithDev := &chat.Event{Scope: chat.ScopeConversation, CustomerID: 7, Participants: []int64{2}}
	teamOnly := &chat.Event{Scope: chat.ScopeConversationTeam, CustomerID: 7, Participants: []int64{2}}
	teamChat := &chat.Event{Scope: chat.ScopeConversation, Participants: []int64{2}}
	profile := &chat.Event{Scope: chat.ScopeCustomer, CustomerID: 7}
	private := &chat.Event{Scope: chat.ScopeUser, UserID: 2}
	team := &chat.Event{Scope: chat.ScopeTeam}
	all := &chat.Event{Scope: chat.ScopeAll}
	unknown := &chat.Event{Scope: "bogus"}

	tests := []struct {
		name string
		ev   *chat.Event
		a    chat.Actor
		want bool
	}{
		{"support sees customer conversation", custConv, support, true},
		{"non-support does not", custConv, dev, false},
		{"non-support participant does", custConvWithDev, dev, true},
		{"its customer does", custConv, customer, true},
		{"another customer does not", custConv, other, false},
		{"team-only event hidden from customer", teamOnly, customer, false},
		{"team-only event to support", teamOnly, support, true},
		{"team chat to participant", teamChat, dev, true},
		{"team chat not to support outsider", teamChat, support, false},
		{"team chat not to customer", teamChat, customer, false},
		{"customer profile to the customer", profile, customer, true},
		{"customer profile to support", profile, support, true},
		{"customer profile not to outsider user", profile, dev, false},
		{"read state to its user", private, dev, true},
		{"read state not to others", private, support, false},
		{"read state not to customers", private, customer, false},
		{"team event to users", team, dev, true},
		{"team event not to customers", team, customer, false},
		{"all to customers", all, customer, true},
		{"nothing to nobody", all, nobody, false},
		{"unknown scope to nobody", unknown, support, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ev.VisibleTo(tt.a); got != tt.want {
				t.Fatalf("VisibleTo = %t, want %t", got, tt.want)
			}
		})
	}
}
