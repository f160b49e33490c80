// Package ranker is the acceptance predictor on the request path: a
// two-gate cascade after CDHF (Mozannar et al., "When to Show a
// Suggestion?", AAAI 2024). Gate 1 sees only the context and the
// programmer's recent behaviour and may skip generation; gate 2 adds the
// generated suggestion and may hide it. Both gates are calibrated
// classifiers (logistic regression or gradient-boosted trees) read from a
// model file, and their thresholds hide as much as possible while a set
// fraction of what is hidden would have been rejected.
//
// This package holds only what serving needs: the features (Extract), the
// programmer's history, the model file format and the Gate. Training,
// evaluation, datasets and benchmarks live in ranker/offline, which
// extracts features with the same Extract.
package ranker
