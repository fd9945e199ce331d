package chat_test

import (
	"testing"

	"github.com/deskchat/deskchat/backend/chat"
)

func TestAutoAssignPick(t *testing.T) {
	agents := []int64{3, 5, 9}
	for _, c := range []struct {
		name  string
		load  map[int64]int
		last  int64
		want  int64
		found bool
	}{
		{"first ever goes to the first", nil, 0, 3, true},
		{"next after the last", nil, 3, 5, true},
		{"wraps around", nil, 9, 3, true},
		{"the last one left the team", nil, 7, 9, true},
		{"skips a full agent", map[int64]int{5: 2}, 3, 9, true},
		{"wraps past full agents", map[int64]int{9: 2, 3: 2}, 5, 5, true},
		{"everyone full", map[int64]int{3: 2, 5: 2, 9: 2}, 0, 0, false},
	} {
		got, ok := chat.AutoAssignPick(agents, c.load, 2, c.last)
		if got != c.want || ok != c.found {
			t.Errorf("%s: %d %t, want %d %t", c.name, got, ok, c.want, c.found)
		}
	}
	if _, ok := chat.AutoAssignPick(nil, nil, 2, 0); ok {
		t.Error("nobody online, yet someone was picked")
	}
}

func TestAssignNotesIsolateNames(t *testing.T) {
	anna := chat.Actor{Kind: chat.KindUser, ID: 1, Name: "Anna\u202e"}
	ben := &chat.Person{ID: 2, Name: "Ben"}
	for got, want := range map[string]string{
		chat.AssignNote(anna, ben, nil): "\u2068Anna\u202e\u202c\u2069 assigned this conversation to \u2068Ben\u2069.",
		chat.AssignNote(chat.Actor{Kind: chat.KindUser, ID: 2, Name: "Ben"}, ben, nil): "\u2068Ben\u2069 took this conversation.",
		chat.AssignNote(anna, nil, ben):                              "\u2068Anna\u202e\u202c\u2069 unassigned \u2068Ben\u2069.",
		chat.AssignNote(chat.Actor{Kind: chat.KindSystem}, ben, nil): "Auto-assignment assigned this conversation to \u2068Ben\u2069.",
		chat.ReleaseNote(ben, chat.ReleaseOffline):                   "\u2068Ben\u2069 has been offline; this conversation went back to the queue.",
	} {
		if got != want {
			t.Errorf("%q, want %q", got, want)
		}
	}
}

func TestSavedReplyChecks(t *testing.T) {
	for in, want := range map[string]string{"/Ref": "ref", " bye_2 ": "bye_2", "a-b": "a-b"} {
		if got, err := chat.CheckShortcut(in); err != nil || got != want {
			t.Errorf("CheckShortcut(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "/", "a b", "ä", "a/b", "x\u200b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "\u212a", "r\u0130f"} {
		if _, err := chat.CheckShortcut(bad); chat.ErrorCode(err) != chat.EInvalid {
			t.Errorf("CheckShortcut(%q) = %v", bad, err)
		}
	}
	for _, ok := range []string{"Hi {{customer.name}}", "{{ customer.email | n/a }}", "{{agent.name|}}", "{{ not a placeholder"} {
		if _, err := chat.CheckSavedReplyText(ok); err != nil {
			t.Errorf("CheckSavedReplyText(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"{{customer.phone}}", "{{}}", "{{ Customer.Name }}", "{{agent.name}} {{x|y}}"} {
		if _, err := chat.CheckSavedReplyText(bad); chat.ErrorCode(err) != chat.EInvalid {
			t.Errorf("CheckSavedReplyText(%q) = %v", bad, err)
		}
	}
}
