package common

import (
	"testing"
	"time"
)

func TestAge(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		ago  time.Duration
		want string
	}{
		{-time.Hour, "now"},
		{30 * time.Second, "now"},
		{3 * time.Minute, "3m"},
		{59*time.Minute + 59*time.Second, "59m"},
		{2 * time.Hour, "2h"},
		{23 * time.Hour, "23h"},
		{5 * 24 * time.Hour, "5d"},
		{800 * 24 * time.Hour, "2y"},
	}
	for _, tc := range cases {
		if got := Age(now, now.Add(-tc.ago)); got != tc.want {
			t.Errorf("Age(-%v) = %q, want %q", tc.ago, got, tc.want)
		}
	}
	if got := Age(now, time.Time{}); got != "" {
		t.Errorf("Age(zero) = %q, want empty", got)
	}
}
