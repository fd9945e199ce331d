package app

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestResolveVersion(t *testing.T) {
	buildInfo := func(version string, ok bool) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			if !ok {
				return nil, false
			}
			return &debug.BuildInfo{Main: debug.Module{Path: "github.com/deskchat/deskchat", Version: version}}, true
		}
	}
	tests := []struct {
		name     string
		explicit string
		info     func() (*debug.BuildInfo, bool)
		want     string
	}{
		{"ExplicitWins", "v1.2.3", buildInfo("v0.9.0", true), "v1.2.3"},
		{"ModuleVersion", "", buildInfo("v0.9.0", true), "v0.9.0"},
		{"DevelPlaceholder", "", buildInfo("(devel)", true), "dev"},
		{"EmptyModuleVersion", "", buildInfo("", true), "dev"},
		{"NoBuildInfo", "", buildInfo("", false), "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolveVersion(tt.explicit, tt.info); got != tt.want {
				t.Errorf("resolveVersion(%q) = %q, want %q", tt.explicit, got, tt.want)
			}
		})
	}
}

func TestAboutService(t *testing.T) {
	s := NewAboutService("v0.1.0")
	s.OnStartup(context.Background())

	if got := s.Version(); got != "v0.1.0" {
		t.Errorf("Version() = %q, want %q", got, "v0.1.0")
	}
	want := AboutInfo{
		Name:      "deskchat",
		Version:   "v0.1.0",
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if got := s.About(); got != want {
		t.Errorf("About() = %+v, want %+v", got, want)
	}
}

func TestNewAboutServiceDefaultsVersion(t *testing.T) {
	// Test binaries carry no main-module version, so the fallback is "dev".
	if got := NewAboutService("").Version(); got != "dev" {
		t.Errorf("Version() = %q, want %q", got, "dev")
	}
}
