// Command fakeollama serves Ollama's wire format (lsptest.Ollama) on a
// loopback port for the editors' end-to-end tests, where a model must
// answer a known text: every generation answers --reply. It prints its URL
// on stdout and runs until it is interrupted or terminated.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ghostline/ghostline/lsp/lsptest"
)

func main() {
	reply := flag.String("reply", "", "the text every generation answers")
	flag.Parse()
	o := lsptest.NewOllama()
	defer o.Close()
	o.SetReply(func(lsptest.GenerateRequest) string { return *reply })
	fmt.Println(o.URL())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
}
