package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/api/store"
	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/ui/search"
)

// historySyncTimeout bounds the catch-up a search or export does before answering from the
// store; past it the stored history answers alone.
const historySyncTimeout = 30 * time.Second

// historyFlags are the filters search and export share.
type historyFlags struct {
	pack    string
	since   string
	offline bool
}

func (f *historyFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.pack, "pack", "", "only this pack")
	cmd.Flags().StringVar(&f.since, "since", "", "only messages from this date on (2025-03-02 or RFC 3339)")
	cmd.Flags().BoolVar(&f.offline, "offline", false, "do not ask Mercado Libre: use only the local store")
}

// check refuses a --pack given empty and parses --since.
func (f *historyFlags) check(cmd *cobra.Command) (since time.Time, err error) {
	if err := packFlag(cmd, f.pack); err != nil {
		return time.Time{}, err
	}
	if f.since == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, f.since); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, &usageError{fmt.Errorf("--since %q is not a date: write 2025-03-02 or 2025-03-02T15:04:05Z (see %s --help)", f.since, cmd.CommandPath())}
}

// noteSetAside prints, when the store had to set a damaged one aside, the sentence saying so,
// worded for when the new one is rebuilt: a command that did not ask Mercado Libre, or could
// not reach it, must not say it is being rebuilt.
func (a *app) noteSetAside(st *store.Store, when store.Rebuild) {
	if n := st.NoticeFor(when); n != "" {
		fmt.Fprintln(a.io.Err, "postsale: note: "+n)
	}
}

// openStoreQuiet opens the account's local store (a temporary one with --demo, removed on exit,
// so the demo never writes into the seller's history), leaving the set-aside sentence to the
// caller (noteSetAside; the inbox shows it in its status bar) and logging it. The store is
// closed, and a demo's removed, when the command ends. A store setup opened ahead (storeAhead)
// is waited for; ctx only bounds a store opened here.
func (a *app) openStoreQuiet(ctx context.Context) (*store.Store, error) {
	if a.ahead == nil {
		a.storeAhead(ctx)
	}
	o := a.ahead
	if o.started == nil {
		return nil, o.err
	}
	// The opening ends with the command's context (storeAhead's).
	if err := o.started.Ready(context.Background()); err != nil {
		return nil, err
	}
	o.logged.Do(func() {
		if path, why := o.started.SetAside(); path != "" {
			a.log().Warn("local store set aside as damaged; a new one started", "set_aside_as", path, "err", why)
		}
	})
	return o.started, nil
}

// storeAhead starts opening the store in the background. setup calls it for the commands that
// want it (wantStore) as soon as the account is known: the store's few milliseconds (SQLite's
// start in a new process, reading its schema) then pass during the rest of setup (a keyring
// read, the demo's sandbox, the HTTP client) instead of after it. Only the first call opens;
// each call's ctx ends the opening when it ends (Prepare's call has none: setup's follows).
func (a *app) storeAhead(ctx context.Context) {
	if a.ahead != nil {
		context.AfterFunc(ctx, a.ahead.cancel)
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	o := &storeOpening{cancel: cancel}
	a.ahead = o
	path := ""
	if !a.demo {
		path, o.err = config.StorePath(a.io.Env, a.settings.Account)
		if o.err != nil {
			return
		}
	}
	if o.started, o.err = o.start(ctx, path); o.err != nil {
		return
	}
	// The store opens in the background, now; except for an inbox that starts on the first
	// screen it saved at its last exit, whose store opens once that screen is drawn (its first
	// use): started first, the opening took the processors the first frame needed.
	if a.inboxFirst && !a.demo && o.started.HasSavedFirstScreen("") {
		o.deferred = true
	} else {
		o.started.StartOpening()
	}
}

// openInboxStoreEarly starts opening the inbox's store before its command line is parsed
// (Prepare, for postsale without arguments), for the account setup then uses: the access
// token's (the settings' account, "default" unless named), else the logged-in account the
// registry resolves. Any problem on the way is left for setup to report.
func (a *app) openInboxStoreEarly() {
	a.wantStore, a.inboxFirst = true, true
	if a.loadSettings() != nil {
		return
	}
	if a.settings.AccessToken == "" {
		_, acct, err := a.loggedInAccount()
		if err != nil || acct == nil {
			return // logged out, or an account setup will explain
		}
		a.settings.Account = acct.Name
	}
	a.storeAhead(context.Background())
}

// storeAheadIfWanted is storeAhead for a command that uses the store (wantStore).
func (a *app) storeAheadIfWanted(ctx context.Context) {
	if a.wantStore {
		a.storeAhead(ctx)
	}
}

// storeOpening is a store being opened by storeAhead (started; err when it could not start).
// closers holds the store's closing (and a demo store's removal) for the end of the command.
type storeOpening struct {
	cancel  context.CancelFunc // ends the opening early (its command is over)
	started *store.Store       // nil when it could not start (err)
	err     error
	// deferred: the store opens on its first use, as the inbox starts on its saved first
	// screen (onFirstScreen).
	deferred bool
	closers  []func()
	logged   sync.Once // a store set aside is logged once
	// first is the inbox's first screen, saved beside the store once it is closed.
	first *store.FirstScreen
}

// start starts opening the store at path, or a temporary one (removed at the end) when path is
// empty.
func (o *storeOpening) start(ctx context.Context, path string) (*store.Store, error) {
	if path == "" {
		dir, err := os.MkdirTemp("", "postsale-demo-store-")
		if err != nil {
			return nil, fmt.Errorf("create the demo's temporary store: %w", err)
		}
		o.closers = append(o.closers, func() { os.RemoveAll(dir) })
		path = dir + string(os.PathSeparator) + "store.db"
	}
	st := store.Lazy(ctx, path)
	o.closers = append(o.closers, func() { st.Close() })
	return st, nil
}

// closeStore waits for a store being opened, then closes it (and removes a demo's).
func (a *app) closeStore() {
	if a.ahead == nil {
		return
	}
	a.ahead.cancel()
	for i := len(a.ahead.closers) - 1; i >= 0; i-- {
		a.ahead.closers[i]()
	}
	// Saved once the store is closed, with its files as the next start should find them.
	if o := a.ahead; o.first != nil {
		if err := store.SaveFirstScreen(o.started.Path(), "", *o.first); err != nil {
			a.log().Warn("first screen not saved", "err", err)
		}
	}
}

// errOffline is why --pack's conversation was not fetched under --offline.
var errOffline = errors.New("--offline: Mercado Libre was not asked")

// historyStore sets up, opens the store and, unless --offline, catches it up with a delta sync
// (plus the whole of --pack). A failed sync is a note, not an error: the stored history answers.
// packErr says why --pack's conversation was not fetched (errOffline, the sync's error or the
// fetch's); it is nil when it was, or without --pack.
func (a *app) historyStore(cmd *cobra.Command, f *historyFlags) (st *store.Store, packErr, err error) {
	ctx := cmd.Context()
	a.wantStore = true // opened while setup goes on (storeAhead)
	if err := a.setup(ctx); err != nil {
		return nil, nil, err
	}
	if st, err = a.openStoreQuiet(ctx); err != nil {
		return nil, nil, err
	}
	if f.offline {
		a.noteSetAside(st, store.RebuildNotAsked)
		return st, errOffline, nil
	}
	sctx, cancel := context.WithTimeout(ctx, historySyncTimeout)
	defer cancel()
	var open []string
	if f.pack != "" {
		open = append(open, f.pack)
	}
	rep, err := store.NewSyncer(st, a.client, store.SyncOptions{}).Sync(sctx, open...)
	if err != nil {
		a.noteSetAside(st, store.RebuildWhenReachable)
		fmt.Fprintln(a.io.Err, "postsale: note: could not reach Mercado Libre, answering from the local store: "+sanitize.Line(err.Error()))
		packErr = err
	} else {
		a.noteSetAside(st, store.RebuildNow)
	}
	for pack, ferr := range rep.Failed {
		a.log().Info("history: a conversation could not be refreshed", "pack", pack, "err", ferr)
	}
	if ferr := rep.Failed[f.pack]; ferr != nil {
		packErr = ferr
	}
	if f.pack == "" {
		packErr = nil
	}
	return st, packErr, nil
}

// storedPack refuses a --pack the local history does not hold, saying why it could not be
// fetched: Mercado Libre has no such pack, --offline kept postsale from asking, or it could not
// be asked. A stored pack passes, with or without messages.
func storedPack(ctx context.Context, st *store.Store, packID string, packErr error) error {
	_, ok, err := st.Pack(ctx, packID)
	if err != nil {
		return fmt.Errorf("read the local store: %w", err)
	}
	if ok {
		return nil
	}
	pack := sanitize.Line(packID)
	switch {
	case errors.Is(packErr, errOffline):
		return fmt.Errorf("The local history has no pack %s: check the pack id, or drop --offline to fetch it from Mercado Libre.", pack)
	case errors.Is(packErr, api.ErrNotFound):
		return fmt.Errorf("Mercado Libre has no pack %s and the local history has none: check the pack id.", pack)
	}
	return fmt.Errorf("The local history has no pack %s and Mercado Libre could not be asked for it: check the pack id and try again.", pack)
}

func (a *app) searchCommand() *cobra.Command {
	var f historyFlags
	var limit int
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Search every stored message",
		Long: `Search the words of every message, translation, buyer name, pack id, item title and
attachment name in the local history, accent- and case-insensitively ("joao" finds "João"); the
last word also matches as a prefix. A conversation found only by its buyer, pack id or item is
one result (its newest message; "no messages yet" for a sale without any). The best --limit
results are shown, and a note on stderr says how many matched when there were more. It first
catches the history up with Mercado Libre (a few requests), and works offline from the local
store ($XDG_DATA_HOME/postsale/<account>/store.db).`,
		Example: "  postsale search camara quebrada\n  postsale search reembolso --since 2025-03-01 --json",
		Args:    args(someArgs("the words to search for, as in: postsale search cargador")),
		RunE: func(cmd *cobra.Command, list []string) error {
			since, err := f.check(cmd)
			if err != nil {
				return err
			}
			if limit <= 0 {
				return &usageError{fmt.Errorf("--limit must be greater than 0 (see %s --help)", cmd.CommandPath())}
			}
			st, _, err := a.historyStore(cmd, &f)
			if err != nil {
				return err
			}
			found, err := st.Search(cmd.Context(), store.SearchQuery{Text: strings.Join(list, " "), PackID: f.pack, Since: since, Limit: limit})
			if err != nil {
				return fmt.Errorf("search the local store: %w", err)
			}
			res := found.Results
			if a.json {
				return writeJSON(a.io.Out, searchJSON(res))
			}
			if len(res) == 0 {
				fmt.Fprintln(a.io.Out, "No stored message matches.")
				return nil
			}
			for _, r := range res {
				date := "—"
				if !r.Date.IsZero() {
					date = r.Date.Local().Format("2006-01-02 15:04")
				}
				what := "message " + sanitize.Line(r.MessageID)
				if r.MessageID == "" {
					what = "no messages yet"
				}
				fmt.Fprintf(a.io.Out, "%s  %s  pack %s  %s\n", date, sanitize.Line(r.Buyer), sanitize.Line(r.PackID), what)
				var b strings.Builder
				for _, seg := range r.Segments() {
					if seg.Match {
						b.WriteString("«" + sanitize.Line(seg.Text) + "»")
					} else {
						b.WriteString(sanitize.Line(seg.Text))
					}
				}
				fmt.Fprintf(a.io.Out, "    %s\n", b.String())
			}
			// The results were cut: say so where a script reading them does not look.
			switch {
			case len(res) < found.Matched:
				fmt.Fprintf(a.io.Err, "postsale: note: %s shown; --limit shows more\n", search.CountText(len(res), found))
			case found.More:
				fmt.Fprintf(a.io.Err, "postsale: note: %s shown: search ranks the %d most recently stored matches; add words, --pack or --since to reach older ones\n",
					search.CountText(len(res), found), store.RankWindow)
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().IntVar(&limit, "limit", 50, "most results to show")
	return cmd
}

// searchResult is a result in --json: raw strings, matches as byte offsets into snippet.
type searchResult struct {
	MessageID string       `json:"message_id"`
	PackID    string       `json:"pack_id"`
	Buyer     string       `json:"buyer"`
	Date      time.Time    `json:"date"`
	Snippet   string       `json:"snippet"`
	Matches   []store.Span `json:"matches"`
}

func searchJSON(rs []store.Result) []searchResult {
	out := make([]searchResult, 0, len(rs))
	for _, r := range rs {
		m := r.Marks
		if m == nil {
			m = []store.Span{}
		}
		out = append(out, searchResult{MessageID: r.MessageID, PackID: r.PackID, Buyer: r.Buyer, Date: r.Date, Snippet: r.Snippet, Matches: m})
	}
	return out
}

func (a *app) exportCommand() *cobra.Command {
	var f historyFlags
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write every stored message as JSON lines",
		Long: `Write every message in the local history as JSON lines: one message per line, the API's own
JSON as Mercado Libre served it, by pack then date. It first catches the history up (with --pack,
that whole conversation), and works offline from the local store. Older history arrives as the
inbox's background sync walks back; the export covers what is stored. A --pack the local
history does not hold and Mercado Libre does not know is an error.`,
		Example: "  postsale export > history.jsonl\n  postsale export --pack 2000001234567890 --since 2025-03-01",
		Args:    args(noArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			since, err := f.check(cmd)
			if err != nil {
				return err
			}
			st, packErr, err := a.historyStore(cmd, &f)
			if err != nil {
				return err
			}
			if f.pack != "" {
				if err := storedPack(cmd.Context(), st, f.pack, packErr); err != nil {
					return err
				}
			}
			w := bufio.NewWriter(a.io.Out)
			var line bytes.Buffer
			err = st.Export(cmd.Context(), store.ExportQuery{PackID: f.pack, Since: since}, func(m store.Message) error {
				line.Reset()
				if bytes.ContainsAny(m.Raw, "\r\n") {
					if err := json.Compact(&line, m.Raw); err != nil {
						return err
					}
				} else {
					line.Write(m.Raw)
				}
				line.WriteByte('\n')
				_, err := w.Write(line.Bytes())
				return err
			})
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			return w.Flush()
		},
	}
	f.register(cmd)
	return cmd
}
