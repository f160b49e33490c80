// Package ranker is the acceptance predictor: a two-gate cascade after CDHF
// (Mozannar et al., "When to Show a Suggestion?", AAAI 2024). Gate 1 sees
// only the context and the programmer's recent behaviour and may skip
// generation; gate 2 adds the generated suggestion and may hide it. Both
// gates are calibrated classifiers (logistic regression or gradient-boosted
// trees, whichever cross-validates better), and their thresholds hide as
// much as possible while a set fraction of what is hidden would have been
// rejected.
//
// Features come from one implementation (Extract) used online by Gate and
// offline by ReadDataset, which replays CUPS study logs or ghostline's own
// telemetry export; Train and Evaluate split by programmer, never by event.
package ranker
