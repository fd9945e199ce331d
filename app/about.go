package app

import (
	"context"
	"runtime"
	"runtime/debug"
)

// AppName is the product name shown in the window title and about box.
const AppName = "deskchat"

// AboutInfo describes the running desktop app build.
type AboutInfo struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// AboutService reports what build of the app is running.
type AboutService struct {
	version string
	ctx     context.Context
}

// NewAboutService returns an AboutService reporting version. An empty version
// falls back to the module version recorded in the binary, then to "dev".
func NewAboutService(version string) *AboutService {
	return &AboutService{version: resolveVersion(version, debug.ReadBuildInfo)}
}

// OnStartup keeps the Wails context for later runtime calls.
func (s *AboutService) OnStartup(ctx context.Context) {
	s.ctx = ctx
}

// Version returns the app version, e.g. "v0.1.0" or "dev".
func (s *AboutService) Version() string {
	return s.version
}

// About returns the app name, version and the platform it runs on.
func (s *AboutService) About() AboutInfo {
	return AboutInfo{
		Name:      AppName,
		Version:   s.version,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
}

// resolveVersion picks the explicit version, else the main module version from
// build info (ignoring the "(devel)" placeholder), else "dev".
func resolveVersion(explicit string, readBuildInfo func() (*debug.BuildInfo, bool)) string {
	if explicit != "" {
		return explicit
	}
	if info, ok := readBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
