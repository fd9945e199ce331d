package postgres

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// bind rewrites a query written with SQLite's placeholders, positional ?
// and named :name (with sql.Named arguments), into PostgreSQL's numbered
// $n, and orders the arguments to match. It lets this store keep its SQL
// next to the SQLite store's, line for line. Text in single quotes, quoted
// identifiers, and :: casts are left alone; a name used twice gets one
// number. An argument that no placeholder uses, or a placeholder without
// an argument, is a programming error (it panics, so tests catch it).
func bind(query string, args []any) (string, []any) {
	var out strings.Builder
	out.Grow(len(query) + 16)
	var bound []any
	named := map[string]int{} // name → $n
	next := 0                 // next positional argument
	var positional []any
	values := map[string]any{}
	for _, a := range args {
		if na, ok := a.(sql.NamedArg); ok {
			values[na.Name] = na.Value
		} else {
			positional = append(positional, a)
		}
	}
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(query) && query[j] != c {
				j++
			}
			out.WriteString(query[i:min(j+1, len(query))])
			i = j
		case c == '?':
			if next >= len(positional) {
				panic(fmt.Sprintf("postgres: query has more ? than arguments: %s", query))
			}
			bound = append(bound, positional[next])
			next++
			out.WriteString("$" + strconv.Itoa(len(bound)))
		case c == ':' && i+1 < len(query) && query[i+1] == ':':
			out.WriteString("::")
			i++
		case c == ':' && i+1 < len(query) && isIdentStart(query[i+1]):
			j := i + 1
			for j < len(query) && isIdent(query[j]) {
				j++
			}
			name := query[i+1 : j]
			n, ok := named[name]
			if !ok {
				v, have := values[name]
				if !have {
					panic(fmt.Sprintf("postgres: no argument for :%s in %s", name, query))
				}
				bound = append(bound, v)
				n = len(bound)
				named[name] = n
			}
			out.WriteString("$" + strconv.Itoa(n))
			i = j - 1
		default:
			out.WriteByte(c)
		}
	}
	if next != len(positional) {
		panic(fmt.Sprintf("postgres: %d arguments for %d ? in %s", len(positional), next, query))
	}
	return out.String(), bound
}

func isIdentStart(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isIdent(c byte) bool      { return isIdentStart(c) || (c >= '0' && c <= '9') }
