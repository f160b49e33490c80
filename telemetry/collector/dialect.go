package collector

import (
	"strconv"
	"strings"
)

// dialect holds the few differences between SQLite and PostgreSQL that the
// collector's SQL meets; everything else is written once in the common subset.
type dialect struct {
	name   string // "sqlite" or "postgres"
	driver string // database/sql driver name
	// maxParams bounds the bind parameters of one statement.
	maxParams int
}

var (
	sqliteDialect   = dialect{name: "sqlite", driver: "sqlite3", maxParams: 32000}
	postgresDialect = dialect{name: "postgres", driver: "pgx", maxParams: 65000}
)

// rebind rewrites the ? placeholders of q for the dialect ($1, $2... for
// PostgreSQL). The collector's SQL never has ? inside string literals.
func (d dialect) rebind(q string) string {
	if d.name != "postgres" {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// isPostgresURL reports whether dsn names a PostgreSQL server rather than a file.
func isPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
