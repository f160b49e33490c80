package ranker

// The shipped model is trained on the CUPS study's decisions (see
// ../shared/data/cups/README.md); training is deterministic, so
// regenerating from the same data gives the same file.
//go:generate go run ../cmd/ghostline train --jsonl ../../shared/data/cups/events.jsonl --out default_model.json
