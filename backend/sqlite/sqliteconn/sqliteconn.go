// Package sqliteconn sets up every SQLite connection deskchat opens (the
// server's store and the desktop app's local store) beyond what the DSN
// of mattn/go-sqlite3 can say.
//
// Today that is one setting, the query planner stability guarantee
// (SQLITE_DBCONFIG_ENABLE_QPSG, https://sqlite.org/c3ref/c_dbconfig_defensive.html).
// Without it SQLite marks a statement whose plan might depend on a bound
// value (any join or ORDER BY with a "column = ?" term the chosen index
// does not use: whereLoopOutputAdjust asks whether ? is -1, 0 or 1) to be
// re-prepared when that binding changes; mattn/go-sqlite3 clears the
// bindings every time it reuses a cached statement (sqlite3_clear_bindings),
// which expires such a statement outright, so the statement cache bought
// nothing for them: every send parsed and planned three statements again
// (docs/PERFORMANCE.md, "Send path"). Our plans never depend on values:
// every hot query is an index lookup.
package sqliteconn

/*
typedef struct sqlite3 sqlite3;
int sqlite3_db_config(sqlite3*, int op, ...);

// deskchat_qpsg sets SQLITE_DBCONFIG_ENABLE_QPSG (1007) to on (1), off (0)
// or leaves it (-1), and returns the setting after, or -1 on failure.
static int deskchat_qpsg(void *db, int on) {
	int now = -1;
	if (sqlite3_db_config((sqlite3*)db, 1007, on, &now) != 0) return -1;
	return now;
}
*/
import "C"

import (
	"database/sql"
	"errors"
	"reflect"
	"unsafe"

	"github.com/mattn/go-sqlite3"
)

// Setup is the connect hook of every deskchat SQLite driver: it turns the
// planner stability guarantee on. It fails (and with it the connection)
// if the driver no longer holds its handle where Setup looks (a new
// mattn/go-sqlite3 release), so such an upgrade is noticed in tests.
func Setup(c *sqlite3.SQLiteConn) error {
	db, err := handle(c)
	if err != nil {
		return err
	}
	if C.deskchat_qpsg(db, 1) != 1 {
		return errors.New("sqliteconn: SQLITE_DBCONFIG_ENABLE_QPSG refused")
	}
	return nil
}

// StablePlans reports whether a connection of a deskchat SQLite driver
// has the planner stability guarantee on (for tests).
func StablePlans(conn *sql.Conn) (bool, error) {
	on := false
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return errors.New("sqliteconn: not a mattn/go-sqlite3 connection")
		}
		db, err := handle(c)
		if err != nil {
			return err
		}
		on = C.deskchat_qpsg(db, -1) == 1
		return nil
	})
	return on, err
}

// handle is the connection's sqlite3* (the driver's unexported db field;
// mattn/go-sqlite3 offers no sqlite3_db_config).
func handle(c *sqlite3.SQLiteConn) (unsafe.Pointer, error) {
	f := reflect.ValueOf(c).Elem().FieldByName("db")
	// The field must be the driver's *C.sqlite3 (cgo names the type
	// _Ctype_struct_sqlite3): anything else would hand sqlite3_db_config
	// a pointer that is no connection.
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.Type().Elem().Name() != "_Ctype_struct_sqlite3" || f.IsNil() {
		return nil, errors.New("sqliteconn: no sqlite3 handle in *sqlite3.SQLiteConn")
	}
	return f.UnsafePointer(), nil
}
