package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/assets"
	tpl "github.com/postsale/postsale/config/templates"
	uitemplates "github.com/postsale/postsale/ui/templates"
)

// templateLayers are the folders templates come from, the seller's own first: with --demo the
// embedded demo templates come after it (read only; the seller's folder is never written).
func (a *app) templateLayers() ([]tpl.Layer, error) {
	dir, err := tpl.Dir(a.io.Env)
	if err != nil {
		return nil, err
	}
	layers := []tpl.Layer{tpl.DirLayer("personal", dir)}
	if a.demo {
		layers = append(layers, tpl.Layer{Source: "demo", FS: assets.Templates()})
	}
	return layers, nil
}

func (a *app) loadTemplates() (*tpl.Set, error) {
	layers, err := a.templateLayers()
	if err != nil {
		return nil, err
	}
	set, err := tpl.Load(layers...)
	if err != nil {
		return nil, err
	}
	for _, p := range set.Problems {
		fmt.Fprintln(a.io.Err, "postsale: note: "+sanitize.Line(p))
	}
	return set, nil
}

// templateJSON is one template in `postsale templates --json`.
type templateJSON struct {
	Name      string   `json:"name"`
	Source    string   `json:"source"`
	Base      bool     `json:"base"`
	Languages []string `json:"languages"`
	Variables []string `json:"variables"`
}

func (a *app) templatesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "templates",
		Short: "List your reply templates and the variables each uses",
		Long: `List the reply templates: files NAME.txt in $XDG_CONFIG_HOME/postsale/templates, with
optional variants in the buyer's language NAME.es.txt, NAME.pt.txt and NAME.en.txt. With --demo
the embedded demo templates are listed too.

Variables are written {{name}}: ` + strings.Join(tpl.KnownVars(), ", ") + `.
Use a template with: postsale send PACK_ID --template NAME [--var key=value] [--dry-run]`,
		Args: args(noArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			set, err := a.loadTemplates()
			if err != nil {
				return err
			}
			list := make([]templateJSON, 0, set.Len())
			for _, t := range set.Templates() {
				list = append(list, templateJSON{Name: t.Name, Source: t.Source, Base: t.HasBase, Languages: append([]string{}, t.Languages()...), Variables: append([]string{}, t.Vars()...)})
			}
			if a.json {
				return writeJSON(a.io.Out, list)
			}
			if len(list) == 0 {
				dir, _ := tpl.Dir(a.io.Env)
				fmt.Fprintf(a.io.Out, "No templates yet. Write one as %s/NAME.txt (and NAME.es.txt, NAME.pt.txt, NAME.en.txt for the buyer's language).\n", sanitize.Line(dir))
				return nil
			}
			w := 0
			for _, t := range list {
				w = max(w, len(t.Name))
			}
			for _, t := range list {
				langs := t.Languages
				if t.Base {
					langs = append([]string{"base"}, langs...)
				}
				vars := "no variables"
				if len(t.Variables) > 0 {
					vars = "{{" + strings.Join(t.Variables, "}} {{") + "}}"
				}
				// Names are restricted to a safe charset and texts cleaned on load.
				fmt.Fprintf(a.io.Out, "%-*s  %-8s  %-14s  %s\n", w, t.Name, t.Source, strings.Join(langs, ","), sanitize.Line(vars))
			}
			return nil
		},
	}
}

// parseVars turns --var key=value flags into template variables.
func parseVars(list []string) (tpl.Vars, error) {
	vars := tpl.Vars{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || !tpl.ValidName(k) {
			return nil, &usageError{fmt.Errorf("--var %q: write it as name=value (names use letters, digits, - and _)", sanitize.Line(kv))}
		}
		vars[k] = v
	}
	return vars, nil
}

// expandTemplate fills the named template for packID: its variables from the pack (buyer and
// seller names, site, order ids), then --var values over them. It returns the texts to send;
// with dryRun it prints them instead and reports done.
func (a *app) expandTemplate(cmd *cobra.Command, packID, name string, varFlags []string, dryRun bool) (text, translated string, done bool, err error) {
	extra, err := parseVars(varFlags)
	if err != nil {
		return "", "", false, err
	}
	set, err := a.loadTemplates()
	if err != nil {
		return "", "", false, err
	}
	t := set.Get(name)
	if t == nil {
		names := set.Names()
		sort.Strings(names)
		have := "there are no templates yet (see postsale templates --help)"
		if len(names) > 0 {
			have = "templates: " + strings.Join(names, ", ")
		}
		return "", "", false, &api.ValidationError{Field: "template", Problem: fmt.Sprintf("there is no template %q; %s", sanitize.Line(name), have)}
	}
	if err := a.setup(cmd.Context()); err != nil {
		return "", "", false, err
	}
	info, err := uitemplates.LoadPackInfo(cmd.Context(), a.client, packID, nil)
	if err != nil {
		return "", "", false, err
	}
	for k, v := range extra {
		info.Vars[k] = v
	}
	site := info.Site
	if site == "" {
		site = a.settings.SiteID
	}
	r := t.Render(tpl.Context{Site: site, Flavour: info.Flavour, Vars: info.Vars})
	check := r.Check()
	if dryRun {
		if a.json {
			if err := writeJSON(a.io.Out, dryRunJSON(r, check)); err != nil {
				return "", "", true, err
			}
		} else {
			fmt.Fprintln(a.io.Out, "Message:")
			fmt.Fprintln(a.io.Out, sanitize.String(r.Text))
			if r.Translation != "" {
				fmt.Fprintf(a.io.Out, "Translation (%s):\n%s\n", r.Lang, sanitize.String(r.Translation))
			}
			fmt.Fprintf(a.io.Out, "%d/%d characters · not sent (--dry-run)\n", api.TextLength(r.Text), api.MaxTextLength)
		}
		return "", "", true, check
	}
	if check != nil {
		return "", "", false, check
	}
	return r.Text, r.Translation, false, nil
}

type missingJSON struct {
	Name   string `json:"name"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func dryRunJSON(r tpl.Result, check error) any {
	missing := []missingJSON{}
	for _, m := range r.Missing {
		missing = append(missing, missingJSON{Name: m.Name, Field: "text", Reason: m.Reason()})
	}
	for _, m := range r.MissingTranslation {
		missing = append(missing, missingJSON{Name: m.Name, Field: "text_translated", Reason: m.Reason()})
	}
	problem := ""
	if check != nil {
		problem = api.Explain(check)
	}
	return struct {
		Template       string        `json:"template"`
		Language       string        `json:"language"`
		Text           string        `json:"text"`
		TextTranslated string        `json:"text_translated"`
		Length         int           `json:"length"`
		Missing        []missingJSON `json:"missing"`
		Sendable       bool          `json:"sendable"`
		Problem        string        `json:"problem,omitempty"`
	}{r.Name, r.Lang, r.Text, r.Translation, api.TextLength(r.Text), missing, check == nil, problem}
}
