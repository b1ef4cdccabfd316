package cli

import (
	"context"
	"io"
	"net/http"
	"testing"
)

// The CLI's cost against a "curl" of the same endpoint on the same sandbox: both open a fresh
// connection (a new process would), fetch pack 2000004512345671's newest 10 messages and write
// the JSON out. Budget: the CLI within 20% of the raw GET.

func BenchmarkMessagesJSONCommand(b *testing.B) {
	_, _, _, env := cliSandbox(b)
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	args := []string{"messages", packActive, "--json"}
	b.ReportAllocs()
	for b.Loop() {
		if code := Run(context.Background(), args, IO{Out: io.Discard, Err: io.Discard, Env: lookup}); code != ExitOK {
			b.Fatalf("exit %d", code)
		}
	}
}

func BenchmarkCurlBaseline(b *testing.B) {
	ts, sb, _, _ := cliSandbox(b)
	url := ts.URL + "/marketplace/messages/packs/" + packActive + "?limit=10&offset=0"
	b.ReportAllocs()
	for b.Loop() {
		tr := &http.Transport{}
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+sb.Token())
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		tr.CloseIdleConnections()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
