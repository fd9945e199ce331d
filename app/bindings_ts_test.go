package app_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/deskchat/deskchat/app"
	"github.com/deskchat/deskchat/app/localstore"
	"github.com/deskchat/deskchat/app/syncer"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/tsgen"
)

// bindingsTS is where the TypeScript of the bound services is checked in;
// frontend/src/lib/bridge.ts types window.go.app with it.
const bindingsTS = "../frontend/src/lib/bindings.gen.ts"

// BindingsTypeScript generates the Bridge interface (every method Wails
// binds on the services app.New builds, as the frontend calls it) and the
// desktop app's own shapes; the server's come from protocol.gen.ts.
func BindingsTypeScript() string {
	f := tsgen.New("// The bound Go services of the desktop app (window.go.app), generated from\n" +
		"// package app by `make generate` (TestBindingsTypeScript fails when this\n// file is stale). Do not edit by hand.")
	f.External("./protocol.gen",
		chat.User{}, chat.Customer{}, chat.CustomerDetails{}, chat.Conversation{}, chat.Message{}, chat.Item{}, chat.ItemRef{},
		chat.NewItem{}, chat.ItemUpdate{}, chat.SearchResult{}, chat.SectionCounts{}, chat.Settings{}, chat.SettingsUpdate{},
		chat.Erasure{}, chat.Event{}, chat.Status(""), chat.Section(""), chat.ItemType(""), chat.ItemRole(""), chat.ConversationKind(""),
		chat.ItemStatus(""), chat.Priority(""), chat.SavedReply{}, chat.NewSavedReply{}, chat.SavedReplyUpdate{}, chat.AssigneeFilter(""))
	var kinds []string
	for _, k := range localstore.OutKinds {
		kinds = append(kinds, string(k))
	}
	f.Union(localstore.OutKind(""), kinds...)
	f.Rename(syncer.State{}, "SyncState")
	f.Rename(localstore.Entry{}, "OutboxEntry")
	a := app.New("", app.NopEmitter{}, nil, "")
	var services []string
	for _, s := range a.Bind() {
		name := reflect.TypeOf(s).Elem().Name()
		services = append(services, fmt.Sprintf("  %s: {\n    %s\n  };", name, strings.Join(f.Methods(s), "\n    ")))
	}
	f.Raw("export interface Bridge {\n" + strings.Join(services, "\n") + "\n}")
	// The events the desktop emits, with what each carries (app.EventData).
	f.Union(app.WindowMode(""), string(app.WindowFull), string(app.WindowCompact))
	var events []string
	for _, name := range tsgen.Sorted(app.EventData) {
		events = append(events, fmt.Sprintf("  %q: %s;", name, f.TS(reflect.TypeOf(app.EventData[name]))))
	}
	f.Raw("/** The desktop's events (app.EventData): name → what it carries. */\nexport interface AppEvents {\n" + strings.Join(events, "\n") + "\n}")
	return f.String()
}

// TestBindingsTypeScript fails when the checked-in bindings differ from
// the bound services; DESKCHAT_UPDATE_TS=1 rewrites them (make generate).
func TestBindingsTypeScript(t *testing.T) {
	if err := tsgen.Verify(bindingsTS, BindingsTypeScript()); err != nil {
		t.Fatal(err)
	}
}
