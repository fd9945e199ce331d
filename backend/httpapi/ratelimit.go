package httpapi

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// SharedLimits are rate-limit buckets every node of a helpdesk shares
// (backend/postgres keeps them in the database), so a limit holds per
// helpdesk, not per node. Take takes one token from the bucket key, which
// allows n per window with a burst of n; when none is left it returns
// false and how long until the next. An error (the database is away)
// makes the node fall back to its own buckets.
type SharedLimits interface {
	Take(ctx context.Context, key string, n int, window time.Duration) (ok bool, wait time.Duration, err error)
}

// limiter keeps one token bucket per key (an IP or an e-mail): n events
// per window, with a burst of n. Idle buckets are swept so memory stays
// bounded under a spray of keys. With shared limits it asks those first.
type limiter struct {
	name    string       // the bucket's name in shared limits
	shared  SharedLimits // nil: this process's buckets only
	window  time.Duration
	mu      sync.Mutex
	n       int
	every   rate.Limit
	now     func() time.Time
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(name string, shared SharedLimits, n int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{name: name, shared: shared, window: window, n: n, every: rate.Every(window / time.Duration(n)), now: now, buckets: map[string]*bucket{}}
}

// allow takes one token for key; when none is left it returns false and
// how long until the next.
func (l *limiter) allow(ctx context.Context, key string) (bool, time.Duration) {
	if l.shared != nil {
		if ok, wait, err := l.shared.Take(ctx, l.name+":"+key, l.n, l.window); err == nil {
			return ok, wait
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.every, l.n)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// clientIP is the address rate limits count by: the peer's, or, when the
// peer is one of the trusted proxies (Config.TrustedProxies: the load
// balancer in front of the nodes), the nearest address before it in
// X-Forwarded-For that is not a trusted proxy itself. Without trusted
// proxies X-Forwarded-For is ignored: anyone can write it.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(s.trusted) == 0 || !s.isTrusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if !s.isTrusted(hop) {
			return hop
		}
	}
	return host
}

func (s *Server) isTrusted(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range s.trusted {
		if p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

// ParseProxies reads trusted proxies: addresses or CIDR prefixes. New
// ignores entries it cannot read; check them with this first.
func ParseProxies(in []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range in {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR prefix", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
