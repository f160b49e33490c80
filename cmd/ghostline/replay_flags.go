package main

import (
	"context"
	"flag"
)

// replayFile is the file a typing replay types into (bench typing, bench
// prompt-reuse): its flags, and a repository nobody tuned on by default.
type replayFile struct{ repo, file *string }

func replayFileFlags(fs *flag.FlagSet) replayFile {
	return replayFile{
		repo: fs.String("repo", "", "repository typed in (default: the bleve module in the Go module cache)"),
		file: fs.String("file", "index_impl.go", "Go file of --repo typed into"),
	}
}

// resolve returns the repository and the file, the default repository
// looked up when --repo is not given.
func (r replayFile) resolve(ctx context.Context) (repo, file string, err error) {
	if *r.repo == "" {
		if *r.repo, err = bleveModule(ctx); err != nil {
			return "", "", err
		}
	}
	return *r.repo, *r.file, nil
}
