// Command ferretdb-wrapper serves FerretDB v1 (MongoDB wire protocol on SQLite) for local development and CI.
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb` panics at start (a generated
// build/version/version.txt is missing from the module, FerretDB issue #2982), so we embed the
// library package instead. The embedded package disables telemetry itself and keeps no state file.
//
// Usage: ferretdb-wrapper --listen 127.0.0.1:27017 --sqlite-dir .cache/services/ferretdb [--log-level info] [--sqlite-params q]
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite" // the SQLite driver FerretDB uses; registered as "sqlite"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (host:port)")
	dir := flag.String("sqlite-dir", "", "directory holding the SQLite databases (created if missing)")
	level := flag.String("log-level", "info", "log level: debug, info, warn or error")
	// unix-excl keeps SQLite's WAL index in process memory instead of a mmapped "-shm" file. With the default VFS,
	// dropDatabase racing writes to the same database can truncate a -shm file another connection still maps,
	// and the whole server dies with SIGBUS (reproduced on v1.24.2). It also locks other processes out of the files.
	params := flag.String("sqlite-params", "vfs=unix-excl", "SQLite URI query parameters (FerretDB adds WAL, busy_timeout)")
	flag.Parse()

	if err := run(*listen, *dir, *level, *params); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-wrapper: %s\n", err)
		os.Exit(1)
	}
}

func run(listen, dir, level, params string) error {
	if dir == "" {
		return fmt.Errorf("--sqlite-dir is required")
	}

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(&lazyHandler{h: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl})})

	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("--sqlite-dir: %w", err)
	}
	if err = os.MkdirAll(abs, 0o755); err != nil {
		return fmt.Errorf("--sqlite-dir: %w", err)
	}

	if err = setAsideEmptyDatabases(abs, params, logger); err != nil {
		return err
	}

	// The SQLite backend wants a "file:" URI naming an existing directory, with a trailing slash.
	sqliteURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs) + "/", RawQuery: params}).String()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// New has already bound the listener (a busy port fails there), so MongoDBURI does not block.
	logger.Info("ferretdb-wrapper listening", "uri", f.MongoDBURI(), "sqlite", sqliteURL, "pid", os.Getpid())

	err = <-done
	logger.Info("ferretdb-wrapper stopped")
	return err
}

// lazyHandler defers WithAttrs and WithGroup until a record is actually logged. FerretDB calls logger.With(...) for
// every SQL statement, and slog's text handler formats those attributes (whole batches of documents) right away,
// even at warn level: about a tenth of the server's CPU during bulk inserts, partly under its global write lock.
type lazyHandler struct {
	h   slog.Handler
	ops []func(slog.Handler) slog.Handler
}

func (l *lazyHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.h.Enabled(ctx, level)
}

func (l *lazyHandler) Handle(ctx context.Context, r slog.Record) error {
	h := l.h
	for _, op := range l.ops {
		h = op(h)
	}
	return h.Handle(ctx, r)
}

func (l *lazyHandler) with(op func(slog.Handler) slog.Handler) slog.Handler {
	ops := make([]func(slog.Handler) slog.Handler, len(l.ops), len(l.ops)+1)
	copy(ops, l.ops)
	return &lazyHandler{h: l.h, ops: append(ops, op)}
}

func (l *lazyHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return l.with(func(h slog.Handler) slog.Handler { return h.WithAttrs(attrs) })
}

func (l *lazyHandler) WithGroup(name string) slog.Handler {
	return l.with(func(h slog.Handler) slog.Handler { return h.WithGroup(name) })
}

// setAsideEmptyDatabases renames database files that hold no table at all (so no data) out of FerretDB's way.
// A crash while FerretDB creates a database can leave such a file behind, and FerretDB v1 then refuses to
// start ("no such table: _ferretdb_collections"). Files with any table are never touched.
func setAsideEmptyDatabases(dir, params string, logger *slog.Logger) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return err
	}
	for _, file := range files {
		n, err := countTables(file, params)
		if err != nil {
			return fmt.Errorf("checking %s: %w", file, err)
		}
		if n > 0 {
			continue
		}
		aside := fmt.Sprintf("%s.empty-%s", file, time.Now().UTC().Format("20060102T150405"))
		if err = os.Rename(file, aside); err != nil {
			return err
		}
		logger.Warn("set aside an empty database file left by a crash", "file", file, "to", aside)
	}
	return nil
}

func countTables(file, params string) (int, error) {
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: filepath.ToSlash(file), RawQuery: params}).String())
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow("SELECT count(*) FROM sqlite_master").Scan(&n)
	return n, err
}
