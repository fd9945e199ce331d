// Package tsgen writes TypeScript declarations of Go types, as their JSON
// encoding shows them. deskchat's wire shapes are defined once, in Go; the
// agent UI and the widget import the files this writes, and a test beside
// each set of types fails when the checked-in file differs from a fresh one
// (backend/chat TestProtocolTypeScript, app TestBindingsTypeScript).
//
// Mapping: structs become interfaces (embedded structs are flattened),
// fields named and made optional as encoding/json does (omitempty or a
// pointer: "?"; json:"-": left out); string, bool and numbers map to
// themselves, time.Time to string, json.RawMessage and interfaces to
// unknown, slices to T[] (| null unless omitempty: a nil slice encodes as
// null), maps to Record<string, T>; named string types registered with
// Union become unions of their values.
package tsgen

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"
)

// File collects declarations and prints them in the order they were added
// (types reached through fields follow the first that reached them).
type File struct {
	header   string
	decls    []string
	names    map[reflect.Type]string
	unions   map[reflect.Type][]string
	queue    []reflect.Type
	external map[reflect.Type]string // type → module it is imported from
	used     map[string]map[string]bool
}

// New returns an empty file that starts with header (a comment).
func New(header string) *File {
	return &File{header: header, names: map[reflect.Type]string{}, unions: map[reflect.Type][]string{},
		external: map[reflect.Type]string{}, used: map[string]map[string]bool{}}
}

// External says that the types of values are declared in module (under
// their Go names) and imported from there where used.
func (f *File) External(module string, values ...any) {
	for _, v := range values {
		t := reflect.TypeOf(v)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		f.names[t] = t.Name()
		f.external[t] = module
	}
}

// Rename declares the type of v under name instead of its Go name (where
// two packages use the same one).
func (f *File) Rename(v any, name string) {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	f.names[t] = name
	f.queue = append(f.queue, t)
	f.flush()
}

// Union declares the named string type of v as a union of values.
func (f *File) Union(v any, values ...string) {
	t := reflect.TypeOf(v)
	f.unions[t] = values
	lits := make([]string, len(values))
	for i, s := range values {
		lits[i] = quote(s)
	}
	f.names[t] = t.Name()
	f.decls = append(f.decls, fmt.Sprintf("export type %s = %s;", t.Name(), strings.Join(lits, " | ")))
}

// Type declares the struct type of v (a value or a nil pointer) under its
// Go name, and every struct type its fields reach.
func (f *File) Type(v any) {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	f.name(t)
	f.flush()
}

// Const declares a constant.
func (f *File) Const(name string, value any) {
	b, _ := json.Marshal(value)
	suffix := ""
	if k := reflect.TypeOf(value).Kind(); k == reflect.Slice || k == reflect.Array {
		suffix = " as const"
	}
	f.decls = append(f.decls, fmt.Sprintf("export const %s = %s%s;", name, b, suffix))
}

// Raw adds a declaration as it is.
func (f *File) Raw(decl string) { f.decls = append(f.decls, decl) }

// TS is the TypeScript for a Go type (declaring struct types it reaches).
func (f *File) TS(t reflect.Type) string {
	s := f.ts(t)
	f.flush()
	return s
}

// String is the file's text.
func (f *File) String() string {
	var imports []string
	for _, module := range Sorted(f.used) {
		imports = append(imports, fmt.Sprintf("import type { %s } from '%s';", strings.Join(Sorted(f.used[module]), ", "), module))
	}
	head := f.header + "\n\n"
	if len(imports) > 0 {
		head += strings.Join(imports, "\n") + "\n\n"
	}
	return head + strings.Join(f.decls, "\n\n") + "\n"
}

// name returns the TS name of a struct type, queueing its declaration.
func (f *File) name(t reflect.Type) string {
	if module, ok := f.external[t]; ok {
		if f.used[module] == nil {
			f.used[module] = map[string]bool{}
		}
		f.used[module][f.names[t]] = true
		return f.names[t]
	}
	if n, ok := f.names[t]; ok {
		return n
	}
	f.names[t] = t.Name()
	f.queue = append(f.queue, t)
	return t.Name()
}

func (f *File) flush() {
	for len(f.queue) > 0 {
		t := f.queue[0]
		f.queue = f.queue[1:]
		var fields []string
		f.fields(t, &fields)
		f.decls = append(f.decls, fmt.Sprintf("export interface %s {\n%s\n}", f.names[t], strings.Join(fields, "\n")))
	}
}

var timeType = reflect.TypeOf(time.Time{})
var rawType = reflect.TypeOf(json.RawMessage{})

func (f *File) fields(t reflect.Type, out *[]string) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if sf.Anonymous && name == "" {
			et := sf.Type
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				f.fields(et, out)
				continue
			}
		}
		if name == "" {
			name = sf.Name
		}
		omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		ft := sf.Type
		optional := omit || ft.Kind() == reflect.Pointer
		ts := f.ts(ft)
		if ft.Kind() == reflect.Slice && ft != rawType && !omit {
			ts += " | null"
		}
		q := ""
		if optional {
			q = "?"
		}
		*out = append(*out, fmt.Sprintf("  %s%s: %s;", name, q, ts))
	}
}

func (f *File) ts(t reflect.Type) string {
	if _, ok := f.unions[t]; ok {
		return f.names[t]
	}
	if _, ok := f.external[t]; ok {
		return f.name(t)
	}
	switch {
	case t == timeType:
		return "string"
	case t == rawType:
		return "unknown"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return f.ts(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // []byte encodes as base64
		}
		el := f.ts(t.Elem())
		if strings.ContainsAny(el, " |") {
			el = "(" + el + ")"
		}
		return el + "[]"
	case reflect.Map:
		return "Record<string, " + f.ts(t.Elem()) + ">"
	case reflect.Struct:
		return f.name(t)
	case reflect.Interface:
		return "unknown"
	}
	return "unknown"
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Methods returns the TypeScript of the exported methods of v's type as
// the members of an object type, one per line: "Name(p0: T): Promise<R>;".
// Results follow Wails: (T, error) and T give Promise<T>, error alone or
// nothing Promise<void>.
func (f *File) Methods(v any) []string {
	t := reflect.TypeOf(v)
	errType := reflect.TypeOf((*error)(nil)).Elem()
	var out []string
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		var params []string
		for j := 1; j < m.Type.NumIn(); j++ {
			params = append(params, fmt.Sprintf("p%d: %s", j-1, f.TS(m.Type.In(j))))
		}
		result := "void"
		for j := 0; j < m.Type.NumOut(); j++ {
			if r := m.Type.Out(j); r != errType {
				result = f.TS(r)
				if r.Kind() == reflect.Slice {
					result += " | null"
				}
			}
		}
		out = append(out, fmt.Sprintf("%s(%s): Promise<%s>;", m.Name, strings.Join(params, ", "), result))
	}
	return out
}

// UpdateEnv is the environment variable that makes Verify rewrite the
// checked-in file instead of comparing (make generate sets it to 1).
const UpdateEnv = "DESKCHAT_UPDATE_TS"

// Verify checks the file at path against fresh, for a test: nil when
// equal; an error naming the file and the first difference (and "run make
// generate") when stale or missing. With UpdateEnv=1 it writes fresh to
// path instead.
func Verify(path, fresh string) error {
	if os.Getenv(UpdateEnv) == "1" {
		return os.WriteFile(path, []byte(fresh), 0o644)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w (run make generate)", err)
	}
	if d := Check(string(b), fresh); d != "" {
		return fmt.Errorf("%s is stale (%s): run make generate", path, d)
	}
	return nil
}

// Check compares a checked-in file with a fresh one: "" when equal, else
// a short description of the first difference (line numbers from 1).
func Check(checkedIn, fresh string) string {
	if checkedIn == fresh {
		return ""
	}
	a, b := strings.Split(checkedIn, "\n"), strings.Split(fresh, "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("line %d: checked in %q, generated %q", i+1, x, y)
		}
	}
	return "the files differ"
}

// Sorted returns the keys of m in order (for stable output).
func Sorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
