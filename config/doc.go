// Package config holds ghostline's settings: one struct per stage, each in its
// own file, gathered in Settings. Settings arrive as JSON through LSP
// initializationOptions and workspace/didChangeConfiguration (or the command
// line); anything missing keeps its default, so no configuration is needed.
//
// config is plain data: it imports no other ghostline package.
package config
