package postgres

import (
	"database/sql"
	"fmt"
	"testing"
)

func TestBind(t *testing.T) {
	for _, c := range []struct {
		q    string
		args []any
		want string
		out  []any
	}{
		{`SELECT a FROM t WHERE id = ? AND b = ?`, []any{1, "x"}, `SELECT a FROM t WHERE id = $1 AND b = $2`, []any{1, "x"}},
		{`WHERE c.id = :cid OR x = :cid AND y = :s`, []any{sql.Named("s", true), sql.Named("cid", 7)},
			`WHERE c.id = $1 OR x = $1 AND y = $2`, []any{7, true}},
		{`SELECT 'a?b:c', "q?", x::text, to_tsvector('deskchat'::regconfig, ?)`, []any{"t"},
			`SELECT 'a?b:c', "q?", x::text, to_tsvector('deskchat'::regconfig, $1)`, []any{"t"}},
	} {
		got, out := bind(c.q, c.args)
		if got != c.want || fmt.Sprint(out) != fmt.Sprint(c.out) {
			t.Errorf("bind(%q) = %q %v, want %q %v", c.q, got, out, c.want, c.out)
		}
	}
	for _, bad := range []struct {
		q    string
		args []any
	}{{`x = ?`, nil}, {`x = :n`, nil}, {`x = 1`, []any{2}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("bind(%q, %v) did not panic", bad.q, bad.args)
				}
			}()
			bind(bad.q, bad.args)
		}()
	}
}
