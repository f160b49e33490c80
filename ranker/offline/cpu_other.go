//go:build !unix

package offline

import "time"

// processCPU is unknown here: bench ranker prints wall-clock figures only.
func processCPU() time.Duration { return 0 }
