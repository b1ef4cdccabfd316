package logging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/transport"
)

func TestLogFailureNamesTheAPIAnswerNotTheText(t *testing.T) {
	const typed = "Hola, mi teléfono es 555-1234"
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"api", fmt.Errorf("load pack 1: %w", &api.Error{StatusCode: 403, Code: "forbidden", Message: "blocked_conversation_send_message_forbidden", RequestID: "req-42", Method: "POST", Path: "/marketplace/messages/packs/1"}),
			[]string{"kind=api", "status=403", "code=forbidden", "request_id=req-42", "method=POST", "path=/marketplace/messages/packs/1"}},
		{"rate limited", &api.RateLimitError{Err: &api.Error{StatusCode: 429, Code: "local_rate_limited"}}, []string{"kind=rate_limited", "status=429"}},
		{"refused", &api.ValidationError{Field: "text", Problem: "has characters Mercado Libre does not accept: " + typed}, []string{"kind=refused", "field=text"}},
		{"no answer", fmt.Errorf("send: %w", &transport.AmbiguousError{Method: "POST", Path: "/p", Err: errors.New("EOF")}), []string{"kind=no_answer"}},
		{"timeout", fmt.Errorf("load: %w", context.DeadlineExceeded), []string{"kind=timeout"}},
		{"network", &api.NetworkError{Method: "GET", Path: "/p", Err: errors.New("connection refused")}, []string{"kind=network", "connection refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			LogFailure(New(&buf, false), "task failed", tc.err, "task", "Loading conversation 1")
			line := buf.String()
			if strings.Count(line, "\n") != 1 || !strings.Contains(line, "level=INFO") || !strings.Contains(line, `task="Loading conversation 1"`) {
				t.Fatalf("want one Info line naming the task, got %q", line)
			}
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("line lacks %q: %s", w, line)
				}
			}
			if strings.Contains(line, "555-1234") {
				t.Fatalf("the seller's text reached the log: %s", line)
			}
		})
	}
	var buf bytes.Buffer
	LogFailure(New(&buf, false), "task failed", nil)
	if buf.Len() != 0 {
		t.Fatalf("a success was logged as a failure: %q", buf.String())
	}
}
