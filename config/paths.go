package config

import (
	"fmt"
	"os"
	"path/filepath"
)

// DataDir is where ghostline keeps what it learns and logs:
// $XDG_DATA_HOME/ghostline, or ~/.local/share/ghostline without it.
func DataDir() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("data directory: %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "ghostline"), nil
}
