package telemetry

import "time"

// Stage is a step of one completion request: the keys of
// Event.LatencyMs, which the pipeline writes and the collector validates and
// rolls up.
type Stage string

const (
	StageGate1       Stage = "gate1"       // the context-only predictor: generate at all?
	StageRetrieval   Stage = "retrieval"   // prompt assembly, with the index when retrieval is on
	StageModel       Stage = "model"       // the model backend
	StagePostprocess Stage = "postprocess" // trimming the generation
	StageGate2       Stage = "gate2"       // the predictor with the suggestion: show it?
	StageTotal       Stage = "total"       // the whole request
)

// Stages are every Stage, in pipeline order.
var Stages = []Stage{StageGate1, StageRetrieval, StageModel, StagePostprocess, StageGate2, StageTotal}

// Ms is d in milliseconds, the unit of every latency ghostline reports.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
