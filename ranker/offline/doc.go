// Package offline trains and evaluates the acceptance predictor of package
// ranker: it reads decisions (CUPS study logs, replayed through
// ranker.History so that features are the ones the server would have had,
// or ghostline's own telemetry export), trains both gates and fits their
// thresholds so that the promised precision holds for most programmers
// one by one, not only on average (Train), cross-validates the cascade
// against baselines leaving programmers out (Evaluate), applies a trained
// model to decisions it never saw (Score), and times the gates on real
// source files (BenchCases, MeasureLatency). Train and Evaluate split by
// programmer, never by event.
//
// Nothing on the request path imports this package.
package offline
