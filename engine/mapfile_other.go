//go:build !unix

package engine

import "os"

// mapFile reads the file at path where mapping it is not implemented.
func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }
