// Package engine assembles a completion pipeline for one repository from
// settings: it picks the model backend (a server, the built-in model, or a
// server with the built-in model as fallback), opens the repository index
// and trains the built-in model from it, loads the acceptance predictor and
// opens the telemetry store. `ghostline serve`, `complete` and `eval` use it;
// the stages themselves know nothing of each other.
package engine
