package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/sgwiz/sgwiz/model"
	"github.com/spf13/cobra"
)

type presetsOptions struct {
	env  *Env
	json bool
}

func newPresetsCmd(env *Env) *cobra.Command {
	opts := &presetsOptions{env: env}
	cmd := &cobra.Command{
		Use:   "presets",
		Short: "List the use cases and the service catalogue",
		Example: `  sgwiz presets
  sgwiz presets --json | jq '.services[] | select(.id == "redis")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return presetsRun(opts) },
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, "print JSON: {use_cases: [...], services: [...]}")
	return cmd
}

type presetsJSON struct {
	UseCases []useCaseJSON `json:"use_cases"`
	Services []serviceJSON `json:"services"`
}

type useCaseJSON struct {
	ID            string   `json:"id"`
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	DefaultEgress string   `json:"default_egress"`
	Egress        []string `json:"egress"`
}

// serviceJSON gives the first port's protocol and range flat, and every
// port (several for services such as Kafka or Consul) under ports.
type serviceJSON struct {
	ID       string     `json:"id"`
	Title    string     `json:"title"`
	Protocol string     `json:"protocol"`
	FromPort int        `json:"from_port"`
	ToPort   int        `json:"to_port"`
	Ports    []portJSON `json:"ports"`
	Kind     string     `json:"kind"`
	Console  bool       `json:"console"`
	About    string     `json:"about"`
}

type portJSON struct {
	Protocol string `json:"protocol"`
	FromPort int    `json:"from_port"`
	ToPort   int    `json:"to_port"`
}

var kindNames = map[model.ServiceKind]string{
	model.KindApp: "app", model.KindWeb: "public", model.KindAdmin: "admin",
	model.KindDatabase: "database", model.KindCustom: "custom", model.KindAll: "all",
}

func presetsRun(opts *presetsOptions) error {
	if opts.json {
		var out presetsJSON
		for _, u := range model.UseCases() {
			uj := useCaseJSON{ID: u.ID, Title: u.Title, Description: u.Description, DefaultEgress: string(u.DefaultEgress)}
			for _, e := range u.Egresses {
				uj.Egress = append(uj.Egress, string(e))
			}
			out.UseCases = append(out.UseCases, uj)
		}
		for _, s := range model.Catalogue() {
			sj := serviceJSON{ID: s.ID, Title: s.Title, Kind: kindNames[s.Kind], Console: s.Console, About: s.About}
			for _, p := range s.Ports {
				sj.Ports = append(sj.Ports, portJSON{p.Protocol.API(), p.Ports.From(), p.Ports.To()})
			}
			sj.Protocol, sj.FromPort, sj.ToPort = sj.Ports[0].Protocol, sj.Ports[0].FromPort, sj.Ports[0].ToPort
			out.Services = append(out.Services, sj)
		}
		enc := json.NewEncoder(opts.env.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	var cases, services [][]string
	for _, u := range model.UseCases() {
		cases = append(cases, []string{u.ID, u.Title, string(u.DefaultEgress), u.Description})
	}
	for _, s := range model.Catalogue() {
		ports := s.PortsText()
		if s.Kind == model.KindCustom {
			ports = "you choose"
		}
		services = append(services, []string{s.ID, s.Title, ports, s.About})
	}
	width := opts.env.width()
	writeTable(opts.env.Out, width, []string{"USE CASE", "TITLE", "EGRESS", "DESCRIPTION"}, cases)
	fmt.Fprintln(opts.env.Out)
	writeTable(opts.env.Out, width, []string{"SERVICE", "TITLE", "PORTS", "ABOUT"}, services)
	return nil
}

// writeTable writes rows in columns two spaces apart within width: the
// last column wraps at words, its lines indented to where it starts. When
// that leaves it fewer than 24 columns, each row is its first two columns
// on a line, and each other column wrapped on lines of its own below it,
// indented by four. Nothing is cut.
func writeTable(w io.Writer, width int, header []string, rows [][]string) {
	all := append([][]string{header}, rows...)
	n := len(header)
	colWidths := func(k int) ([]int, int) {
		ws, indent := make([]int, k), 0
		for _, r := range all {
			for i := range k {
				ws[i] = max(ws[i], ansi.StringWidth(r[i]))
			}
		}
		for _, cw := range ws {
			indent += cw + 2
		}
		return ws, indent
	}
	pad := func(r []string, ws []int) string {
		var b strings.Builder
		for i, cw := range ws {
			b.WriteString(r[i] + strings.Repeat(" ", cw-ansi.StringWidth(r[i])+2))
		}
		return b.String()
	}
	ws, indent := colWidths(n - 1)
	if width-indent >= 24 {
		for _, r := range all {
			lines := strings.Split(ansi.Wordwrap(r[n-1], width-indent, ""), "\n")
			fmt.Fprintln(w, pad(r, ws)+strings.Join(lines, "\n"+strings.Repeat(" ", indent)))
		}
		return
	}
	ws, _ = colWidths(2)
	for _, r := range all {
		fmt.Fprintln(w, strings.TrimRight(pad(r, ws), " "))
		for _, col := range r[2:] {
			for line := range strings.SplitSeq(ansi.Wordwrap(col, width-4, ""), "\n") {
				fmt.Fprintln(w, "    "+line)
			}
		}
	}
}
