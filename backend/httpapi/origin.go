package httpapi

import (
	"net/url"
	"strings"
)

// originAllowed reports whether a browser Origin may use the API: the
// server's own origin, or one in the allow-list ("https://*.example.com"
// matches subdomains). "null" (sandboxed frames, file://) never is.
func (s *Server) originAllowed(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if strings.EqualFold(u.Host, host) {
		return true
	}
	for _, pattern := range s.cfg.AllowedOrigins {
		if matchOrigin(pattern, u) {
			return true
		}
	}
	for _, pattern := range s.adminOrigins() {
		if matchOrigin(pattern, u) {
			return true
		}
	}
	return false
}

func matchOrigin(pattern string, u *url.URL) bool {
	p, err := url.Parse(strings.ToLower(strings.TrimRight(pattern, "/")))
	if err != nil || p.Scheme != strings.ToLower(u.Scheme) {
		return false
	}
	host := strings.ToLower(u.Host)
	if suffix, ok := strings.CutPrefix(p.Host, "*."); ok {
		return strings.HasSuffix(host, "."+suffix)
	}
	return p.Host == host
}

// OriginAllowed reports whether a browser origin may use this server (for
// the widget's frame and CSP).
func (s *Server) OriginAllowed(origin, host string) bool { return s.originAllowed(origin, host) }

// AllowedOrigins lists the configured and admin-set origins.
func (s *Server) AllowedOrigins() []string {
	return append(append([]string{}, s.cfg.AllowedOrigins...), s.adminOrigins()...)
}
