// Command deskchat-server runs the deskchat chat server and manages its
// database: serve, add team members, seed a demo helpdesk.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/deskchat/deskchat/backend/auth"
	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/demo"
	"github.com/deskchat/deskchat/backend/httpapi"
	"github.com/deskchat/deskchat/backend/postgres"
	"github.com/deskchat/deskchat/backend/server"
)

func main() {
	if err := rootCmd().Execute(); err != nil {
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "deskchat-server",
		Short:         "The deskchat helpdesk chat server",
		SilenceUsage:  true,
		SilenceErrors: false,
	}
	root.AddCommand(serveCmd(), userCmd(), demoCmd(), migrateCmd())
	return root
}

func serveCmd() *cobra.Command {
	var addr, db, natsURL, nodeID, files string
	var origins, proxies []string
	var withDemo bool
	var keep int64
	var grace time.Duration
	var loginRate, widgetSessionRate, customerSendRate int
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API and event streams",
		Long: `Serve the HTTP API and event streams until SIGINT or SIGTERM.

With DESKCHAT_CPUPROFILE=FILE in the environment it also writes a CPU
profile of the run to FILE when it stops (go tool pprof; docs/PERFORMANCE.md).`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := slog.New(slog.NewTextHandler(os.Stderr, nil))
			if path := os.Getenv("DESKCHAT_CPUPROFILE"); path != "" {
				// Profiling aid for the load runs (docs/PERFORMANCE.md):
				// the serve run's CPU profile, written at shutdown.
				stopProfile, err := startCPUProfile(path)
				if err != nil {
					return err
				}
				defer stopProfile()
			}
			var clock *demo.Clock // the demo's story runs days back while it is seeded
			var now func() time.Time
			if withDemo {
				clock = &demo.Clock{}
				now = clock.Now
			}
			srv, err := server.Open(server.Config{DB: db, Logger: log, KeepEvents: keep, NATS: natsURL, NodeID: nodeID, PresenceGrace: grace, Files: files,
				API: httpapi.Config{AllowedOrigins: origins, LoginRate: loginRate, WidgetSessionRate: widgetSessionRate, CustomerSendRate: customerSendRate,
					TrustedProxies: proxies, Now: now}})
			if err != nil {
				return err
			}
			if withDemo {
				if err := demo.SeedWith(cmd.Context(), srv.Store, demo.Options{Clock: clock, Blobs: srv.Blobs}); err != nil {
					return err
				}
			}
			if err := srv.Listen(addr); err != nil {
				srv.Store.Close()
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve() }()
			fmt.Fprintf(cmd.OutOrStdout(), "deskchat-server listening on %s (database %s)\n", srv.URL(), redacted(db))
			fmt.Fprintf(cmd.OutOrStdout(), "widget preview: %s/preview\n", srv.URL())
			if withDemo {
				fmt.Fprintf(cmd.OutOrStdout(), "demo sign-in: %s / %s (admin), %s (support), %s (no support flag)\n",
					demo.Agents[0].Email, demo.Password, demo.Agents[1].Email, demo.Agents[3].Email)
			}
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			log.Info("shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			return errors.Join(srv.Shutdown(sctx), <-errc)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&db, "db", "deskchat.db", "database: an SQLite file path, or a postgres://USER@HOST:PORT/DB URL")
	cmd.Flags().StringSliceVar(&origins, "allow-origin", nil, "browser origin allowed besides the server's own (repeatable; https://*.example.com matches subdomains)")
	cmd.Flags().StringSliceVar(&proxies, "trusted-proxy", nil, "a load balancer in front of the node (address or CIDR, repeatable): rate limits count the client address it puts in X-Forwarded-For")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "seed the demo helpdesk if the database has none")
	cmd.Flags().StringVar(&files, "files", "", "folder for attachments' bytes (default: <db>.files beside an SQLite database; PostgreSQL keeps them in the database)")
	cmd.Flags().StringVar(&natsURL, "nats", "", "join the other nodes of the helpdesk through NATS (nats://HOST:4222); needs --db postgres://…")
	cmd.Flags().StringVar(&nodeID, "node", "", "this node's name in the cluster (default: random)")
	cmd.Flags().DurationVar(&grace, "presence-grace", 0, "how long a user stays online after their last stream closes (0: 10s)")
	cmd.Flags().Int64Var(&keep, "keep-events", 0, "prune the event log to this many newest events (0 keeps all)")
	cmd.Flags().IntVar(&loginRate, "login-rate", 0, "sign-in attempts per minute per IP (0: 20)")
	cmd.Flags().IntVar(&widgetSessionRate, "widget-session-rate", 0, "new customer sessions per minute per IP (0: 30)")
	cmd.Flags().IntVar(&customerSendRate, "customer-send-rate", 0, "customer messages and conversations per minute per IP (0: 60)")
	// The names before "customer" became the one word: still accepted.
	cmd.Flags().SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		switch name {
		case "visitor-rate":
			name = "widget-session-rate"
		case "visitor-send-rate":
			name = "customer-send-rate"
		}
		return pflag.NormalizedName(name)
	})
	return cmd
}

func userCmd() *cobra.Command {
	user := &cobra.Command{Use: "user", Short: "Manage team members"}
	var db, email, name string
	var admin, support bool
	add := &cobra.Command{
		Use:   "add",
		Short: "Add a team member (password from stdin, or prompted on a terminal)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			password, err := readPassword(cmd.InOrStdin(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			hash, err := auth.HashPassword(password)
			if err != nil {
				return errors.New(chat.ErrorMessage(err))
			}
			st, err := server.OpenStore(db, nil, nil, 0)
			if err != nil {
				return err
			}
			defer st.Close()
			u, err := st.CreateUser(cmd.Context(), chat.Operator, chat.NewUser{Email: email, Name: name, PasswordHash: hash, Admin: admin, Support: support})
			if err != nil {
				return errors.New(chat.ErrorMessage(err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "added user %d %s <%s> admin=%t support=%t\n", u.ID, u.Name, u.Email, u.Admin, u.Support)
			return nil
		},
	}
	add.Flags().StringVar(&db, "db", "deskchat.db", "database: an SQLite file path, or a postgres://USER@HOST:PORT/DB URL")
	add.Flags().StringVar(&email, "email", "", "e-mail (sign-in name)")
	add.Flags().StringVar(&name, "name", "", "display name")
	add.Flags().BoolVar(&admin, "admin", false, "may manage users and read the audit trail")
	add.Flags().BoolVar(&support, "support", false, "works the From Customers section")
	add.MarkFlagRequired("email")
	add.MarkFlagRequired("name")
	user.AddCommand(add)
	return user
}

// readPassword prompts twice without echo on a terminal, else reads the
// first line of stdin.
func readPassword(in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", err
		}
		fmt.Fprint(prompt, "Repeat password: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("the passwords differ")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on stdin")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func demoCmd() *cobra.Command {
	var db string
	var bulk, bulkMsgs int
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Seed a demo helpdesk (agents, customers, conversations) into the database",
		RunE: func(cmd *cobra.Command, _ []string) error {
			clock := &demo.Clock{}
			st, err := server.OpenStore(db, nil, clock.Now, 0)
			if err != nil {
				return err
			}
			defer st.Close()
			if ok, err := demo.Seeded(cmd.Context(), st); err != nil {
				return err
			} else if ok && bulk == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "demo data already present")
				return nil
			}
			if err := demo.SeedWith(cmd.Context(), st, demo.Options{Clock: clock}); err != nil {
				return err
			}
			if bulk > 0 {
				if err := demo.Bulk(cmd.Context(), st, bulk, bulkMsgs); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added %d conversations of %d messages\n", bulk, bulkMsgs)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "seeded demo helpdesk into %s; agents sign in with password %q:\n", db, demo.Password)
			for _, a := range demo.Agents {
				fmt.Fprintf(cmd.OutOrStdout(), "  %-22s %-16s admin=%t support=%t\n", a.Email, a.Name, a.Admin, a.Support)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", "deskchat.db", "database: an SQLite file path, or a postgres://USER@HOST:PORT/DB URL")
	cmd.Flags().IntVar(&bulk, "conversations", 0, "also add this many customer conversations (benchmarks of big helpdesks)")
	cmd.Flags().IntVar(&bulkMsgs, "messages", 4, "messages in each added conversation")
	return cmd
}

func migrateCmd() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Copy a whole helpdesk from an SQLite file into an empty PostgreSQL database (stop the server first)",
		Long: "Copies every table, the event log with its sequence numbers, its epoch, head and pruning point,\n" +
			"so that desktops and widgets resume from their cursors on the PostgreSQL nodes without a resync.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !strings.HasPrefix(to, "postgres://") && !strings.HasPrefix(to, "postgresql://") {
				return errors.New("--to must be a postgres:// URL")
			}
			// Opening a missing file would create an empty helpdesk and
			// copy that: a wrong path must not look like a move.
			if _, err := os.Stat(strings.TrimPrefix(from, "sqlite:")); err != nil {
				return fmt.Errorf("--from: %w", err)
			}
			counts, err := postgres.CopyFromSQLite(cmd.Context(), strings.TrimPrefix(from, "sqlite:"), to)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "copied %s into PostgreSQL: %d users, %d customers, %d conversations, %d messages, %d items, %d events, %d files\n",
				from, counts["users"], counts["customers"], counts["conversations"], counts["messages"], counts["items"], counts["events"], counts["files"])
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "deskchat.db", "the SQLite database file")
	cmd.Flags().StringVar(&to, "to", "", "the empty PostgreSQL database, postgres://USER@HOST:PORT/DB")
	cmd.MarkFlagRequired("to")
	return cmd
}

// redacted is a --db or --nats value fit for logs: a URL's password
// becomes xxxxx.
func redacted(v string) string {
	if u, err := url.Parse(v); err == nil && u.User != nil {
		return u.Redacted()
	}
	return v
}

// startCPUProfile writes a CPU profile to path until the returned stop runs.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
