package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
)

// contactCommand is seller-initiated contact on the domestic flavour: list the reasons a seller
// may write first with (action_guide), or send one.
func (a *app) contactCommand() *cobra.Command {
	var reason, template, text string
	var vars []string
	cmd := &cobra.Command{
		Use:   "contact PACK_ID",
		Short: "Write first to a buyer with a contact reason (domestic sellers)",
		Long: `Where Mercado Libre blocks a conversation until the seller picks a reason to write first
(blocked_by_conversation_started_by_seller), list the reasons it offers for the pack with their
templates, character limits and how many uses are left; with --reason, send one: a template
(--template, the first one when omitted) or, for OTHER, your own --text. --text, --template
and --var send only with --reason.`,
		Example: "  postsale contact 2000009100000003\n  postsale contact 2000009100000003 --reason REQUEST_BILLING_INFO\n  postsale contact 2000009100000003 --reason OTHER --text 'Seu pedido sai amanhã.'",
		Args:    idArgs("a pack id"),
		RunE: func(cmd *cobra.Command, list []string) error {
			if err := checkReason(cmd, list[0], reason); err != nil {
				return err
			}
			if err := a.setup(cmd.Context()); err != nil {
				return err
			}
			ctx, packID := cmd.Context(), list[0]
			guide, err := a.client.ActionGuide(ctx, packID)
			if err != nil {
				return err
			}
			if reason == "" {
				if a.json {
					return writeRaw(a.io.Out, guide.Raw, guide)
				}
				printGuide(a, packID, guide)
				return nil
			}
			req := api.OptionRequest{OptionID: strings.ToUpper(strings.TrimSpace(reason)), TemplateID: template, Text: text}
			var opt *api.GuideOption
			for i := range guide.Options {
				if guide.Options[i].ID == req.OptionID {
					opt = &guide.Options[i]
				}
			}
			switch {
			case opt == nil:
				return &usageError{fmt.Errorf("pack %s offers no reason %q: run `postsale contact %s` to see them", sanitize.Line(packID), sanitize.Line(reason), sanitize.Line(packID))}
			case opt.Type == "free_text" && strings.TrimSpace(text) == "":
				return &usageError{fmt.Errorf("reason %s needs your own --text", opt.ID)}
			case opt.Type != "free_text" && text != "":
				return &usageError{fmt.Errorf("reason %s sends a template: drop --text and pick --template", opt.ID)}
			case opt.Type != "free_text" && template == "" && len(opt.Templates) > 0:
				req.TemplateID = opt.Templates[0].ID
			}
			if req.Vars, err = optionVars(opt, req.TemplateID, vars); err != nil {
				return &usageError{err}
			}
			m, err := a.client.SendOption(ctx, packID, req)
			if err != nil {
				return err
			}
			if a.json {
				return writeRaw(a.io.Out, m.Raw, m)
			}
			fmt.Fprintf(a.io.Out, "Sent with reason %s (message %s).\n", sanitize.Line(opt.ID), sanitize.Line(m.ID))
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "reason to send (an option id such as REQUEST_BILLING_INFO or OTHER)")
	cmd.Flags().StringVar(&template, "template", "", "template id of the reason (default its first)")
	cmd.Flags().StringVar(&text, "text", "", "your text, for the free-text reason OTHER")
	cmd.Flags().StringArrayVar(&vars, "var", nil, "a template variable as ID=VALUE (repeatable; a NUMBER is a whole number), e.g. --var DAYS=12")
	return cmd
}

// checkReason refuses what to send without the reason to send it with: --text, --template or
// --var without --reason would otherwise only list the reasons and send nothing, exit 0.
func checkReason(cmd *cobra.Command, packID, reason string) error {
	if strings.TrimSpace(reason) != "" {
		return nil
	}
	if cmd.Flags().Changed("reason") {
		return &usageError{fmt.Errorf("--reason is empty: give a reason id; run `postsale contact %s` to see them", sanitize.Line(packID))}
	}
	for _, name := range []string{"text", "template", "var"} {
		if cmd.Flags().Changed(name) {
			return &usageError{fmt.Errorf("--reason is required to send with --%s: run `postsale contact %s` to see the reasons", name, sanitize.Line(packID))}
		}
	}
	return nil
}

func printGuide(a *app, packID string, g *api.ActionGuide) {
	w := a.io.Out
	fmt.Fprintf(w, "Reasons to write first in pack %s:\n", sanitize.Line(packID))
	for _, o := range g.Options {
		state := fmt.Sprintf("%d left", o.CapAvailable)
		if !o.Enabled || o.CapAvailable <= 0 {
			state = "used up"
		}
		fmt.Fprintf(w, "  %s · %s · %s", sanitize.Line(o.ID), sanitize.Line(o.InternalDescription), state)
		if o.CharLimit > 0 {
			fmt.Fprintf(w, " · up to %d characters", o.CharLimit)
		}
		fmt.Fprintln(w)
		for _, t := range o.Templates {
			fmt.Fprintf(w, "      template %s", sanitize.Line(t.ID))
			if t.Text != "" {
				fmt.Fprintf(w, ": %s", sanitize.Line(t.Text))
			}
			for _, v := range t.Variables() {
				fmt.Fprintf(w, " [--var %s=…%s]", sanitize.Line(v.ID), map[bool]string{true: " a whole number", false: ""}[v.Type == "NUMBER"])
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "Send one with: postsale contact %s --reason ID [--template ID | --text TEXT]\n", sanitize.Line(packID))
}

// optionVars reads --var ID=VALUE for the chosen template: every variable it asks for, a
// NUMBER as a whole number.
func optionVars(opt *api.GuideOption, templateID string, flags []string) ([]api.GuideVar, error) {
	given := map[string]string{}
	for _, f := range flags {
		id, value, ok := strings.Cut(f, "=")
		if !ok || strings.TrimSpace(id) == "" {
			return nil, fmt.Errorf("--var %q: write it as ID=VALUE (e.g. DAYS=12)", sanitize.Line(f))
		}
		given[strings.TrimSpace(id)] = strings.TrimSpace(value)
	}
	var defs []api.TemplateVar
	for _, t := range opt.Templates {
		if t.ID == templateID {
			defs = t.Variables()
		}
	}
	var out []api.GuideVar
	for _, d := range defs {
		v, ok := given[d.ID]
		if !ok || v == "" {
			return nil, fmt.Errorf("template %s needs --var %s=VALUE", sanitize.Line(templateID), sanitize.Line(d.ID))
		}
		delete(given, d.ID)
		if d.Type == "NUMBER" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("--var %s must be a whole number (like 12), not %q", sanitize.Line(d.ID), sanitize.Line(v))
			}
			out = append(out, api.GuideVar{ID: d.ID, Value: n})
			continue
		}
		out = append(out, api.GuideVar{ID: d.ID, Value: v})
	}
	for id := range given {
		return nil, fmt.Errorf("template %s has no variable %s", sanitize.Line(templateID), sanitize.Line(id))
	}
	return out, nil
}
