package storetest

import (
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
)

// ruleTests check that a store applies the domain's rules (backend/chat
// rules.go) on every method that takes an actor: the same refusals,
// whichever store answers.
var ruleTests = []struct {
	name string
	fn   func(*testing.T, *fixture)
}{
	{"UserAdminRules", testUserAdminRules},
	{"SectionRules", testSectionRules},
}

func testUserAdminRules(t *testing.T, f *fixture) {
	nu := chat.NewUser{Email: "new@test.example", Name: "New Person", PasswordHash: "h"}
	for _, a := range []chat.Actor{f.support, f.dev, f.customerA, {}} {
		_, err := f.s.CreateUser(f.ctx, a, nu)
		wantCode(t, err, chat.EForbidden)
	}
	created, err := f.s.CreateUser(f.ctx, f.admin, nu)
	if err != nil || created.Email != nu.Email {
		t.Fatalf("an admin creates a user: %+v, %v", created, err)
	}

	on, off := true, false
	name := "Sam Renamed"
	// Anyone in the team renames themself; nobody else renames them.
	if u, err := f.s.UpdateUser(f.ctx, f.support, f.support.ID, chat.UserUpdate{Name: &name}); err != nil || u.Name != name {
		t.Fatalf("renaming oneself: %+v, %v", u, err)
	}
	_, err = f.s.UpdateUser(f.ctx, f.support2, f.support.ID, chat.UserUpdate{Name: &name})
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.UpdateUser(f.ctx, f.customerA, f.support.ID, chat.UserUpdate{Name: &name})
	wantCode(t, err, chat.EForbidden)
	// Flags are the admins', one's own included.
	_, err = f.s.UpdateUser(f.ctx, f.dev, f.dev.ID, chat.UserUpdate{Support: &on})
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.UpdateUser(f.ctx, f.support, f.dev.ID, chat.UserUpdate{Active: &off})
	wantCode(t, err, chat.EForbidden)
	// An admin never deactivates or demotes themself, but may change
	// their own support flag and anyone else's flags.
	_, err = f.s.UpdateUser(f.ctx, f.admin, f.admin.ID, chat.UserUpdate{Active: &off})
	wantCode(t, err, chat.EInvalid)
	_, err = f.s.UpdateUser(f.ctx, f.admin, f.admin.ID, chat.UserUpdate{Admin: &off})
	wantCode(t, err, chat.EInvalid)
	if u, err := f.s.UpdateUser(f.ctx, f.admin, f.admin.ID, chat.UserUpdate{Support: &off}); err != nil || u.Support || !u.Admin || !u.Active {
		t.Fatalf("an admin changes their own support flag: %+v, %v", u, err)
	}
	if u, err := f.s.UpdateUser(f.ctx, f.admin, f.dev.ID, chat.UserUpdate{Admin: &on, Support: &on}); err != nil || !u.Admin || !u.Support {
		t.Fatalf("an admin promotes another: %+v, %v", u, err)
	}
	if u, err := f.s.UpdateUser(f.ctx, f.admin, f.support2.ID, chat.UserUpdate{Active: &off}); err != nil || u.Active {
		t.Fatalf("an admin deactivates another: %+v, %v", u, err)
	}
}

// testSectionRules: From Customers (its list, the customer kind of list,
// its search) needs the support flag; My Conversations is the team's.
func testSectionRules(t *testing.T, f *fixture) {
	for _, cf := range []chat.ConversationFilter{{Section: chat.SectionCustomers}, {Kind: chat.ConversationCustomer}} {
		_, err := f.s.ListConversations(f.ctx, f.dev, cf)
		wantCode(t, err, chat.EForbidden)
		if _, err := f.s.ListConversations(f.ctx, f.support, cf); err != nil {
			t.Fatalf("support user lists %+v: %v", cf, err)
		}
	}
	_, err := f.s.Search(f.ctx, f.dev, chat.SearchQuery{Text: "hello", Section: chat.SectionCustomers})
	wantCode(t, err, chat.EForbidden)
	_, err = f.s.ListConversations(f.ctx, f.customerA, chat.ConversationFilter{Section: chat.SectionMine})
	wantCode(t, err, chat.EForbidden)
	for _, cf := range []chat.ConversationFilter{{Section: "everything"}, {Status: "pending"}, {Kind: "internal"}} {
		_, err := f.s.ListConversations(f.ctx, f.support, cf)
		wantCode(t, err, chat.EInvalid)
	}
	_, err = f.s.ListConversations(f.ctx, chat.Actor{}, chat.ConversationFilter{})
	wantCode(t, err, chat.EUnauthorized)
}
