package telemetry

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// newID is a random 128-bit hex id.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b[:])
}

// NewSessionID returns a random id for one `ghostline serve` process.
func NewSessionID() string { return newID() }

// LocalUserID returns the random user id kept in dir/user-id, creating it on
// first use. It identifies this machine user, not a person: nothing in it
// comes from the account. An unreadable or damaged file is replaced.
func LocalUserID(dir string) (string, error) {
	path := filepath.Join(dir, "user-id")
	if id, ok := readUserID(path); ok {
		return id, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "user-id.*")
	if err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	defer os.Remove(tmp.Name())
	id := newID()
	_, err = tmp.WriteString(id + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	// Link, unlike rename, fails when another process created the file
	// first; then its id is the one to keep.
	if err := os.Link(tmp.Name(), path); err != nil {
		if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("user id: %w", err)
		}
		if old, ok := readUserID(path); ok {
			return old, nil
		}
		// The existing file is damaged: replace it.
		if err := os.Rename(tmp.Name(), path); err != nil {
			return "", fmt.Errorf("user id: %w", err)
		}
	}
	return id, nil
}

// readUserID reads a user id file; ok is false when it is missing or holds
// anything but a hex id.
func readUserID(path string) (string, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	id := strings.TrimSpace(string(b))
	if _, err := hex.DecodeString(id); err != nil || len(id) < 16 {
		return "", false
	}
	return id, true
}
