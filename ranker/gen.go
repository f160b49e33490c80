package ranker

// The shipped model is trained on the CUPS study's decisions (see
// ../testdata/cups/README.md); training is deterministic, so
// regenerating from the same data gives the same file.
//go:generate go run ../cmd/ghostline train --jsonl ../testdata/cups/events.jsonl.gz --out default_model.json
